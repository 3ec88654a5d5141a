import { gradeValues, renderDigest, renderEvent } from './notification-texts';

describe('notification texts', () => {
  it('shows a new grade with the subject, and the child for parents', () => {
    expect(renderEvent('grade.created', { subject: 'Математика', payload: { value: 5 } })).toEqual({
      kind: 'grade', text: { title: 'Новая оценка', body: 'Математика, оценка 5' },
    });
    expect(renderEvent('grade.created', { subject: 'Математика', childName: 'Иван', payload: { value: 'pass' } })!.text.body).toBe('Иван: Математика, оценка зачёт');
  });

  it('shows a changed grade old → new from any common payload shape', () => {
    expect(gradeValues({ oldValue: 3, newValue: 4 })).toEqual({ old: '3', new: '4' });
    expect(gradeValues({ before: { value: 2 }, after: { value: 5 } })).toEqual({ old: '2', new: '5' });
    expect(renderEvent('grade.changed', { subject: 'Химия', payload: { from: 3, to: 5 } })!.text.body).toBe('Химия, оценка изменена: 3 → 5');
  });

  it('skips attendance marks that are not absences or lateness', () => {
    expect(renderEvent('attendance.marked', { payload: { status: 'present' } })).toBeNull();
    expect(renderEvent('attendance.marked', { childName: 'Аня', payload: { status: 'absent' } })!.text.body).toBe('Аня: отсутствие на уроке');
  });

  it('lists the kinds of a lesson change and ignores unknown events', () => {
    expect(renderEvent('lesson.changed', { subject: 'История', payload: { kinds: ['moved', 'room_changed'], after: { date: '2026-11-30' } } })!.text.body)
      .toBe('История, 2026-11-30, урок перенесён, смена кабинета');
    expect(renderEvent('something.else', { payload: {} })).toBeNull();
  });

  it('sums the digest', () => {
    expect(renderDigest([{ kind: 'grade', n: 3 }, { kind: 'schedule', n: 2 }]).body).toBe('Непрочитанных уведомлений: 5 (оценки — 3, расписание — 2)');
  });
});
