import { gradeValues, plural, renderDigest, renderEvent } from './notification-texts';

describe('notification texts', () => {
  it('shows a new grade with the subject, and the child for parents', () => {
    expect(renderEvent('grade.created', { subject: 'Математика', payload: { value: 5 } })).toEqual({
      kind: 'grade',
      text: { title: 'Новая оценка', body: 'Математика, оценка 5' },
    });
    expect(renderEvent('grade.created', { subject: 'Математика', childName: 'Иван', payload: { value: 'pass' } })!.text.body).toBe(
      'Иван: Математика, оценка зачёт',
    );
  });

  it('shows a changed grade old → new from any common payload shape', () => {
    expect(gradeValues({ oldValue: 3, newValue: 4 })).toEqual({ old: '3', new: '4' });
    expect(gradeValues({ before: { value: 2 }, after: { value: 5 } })).toEqual({ old: '2', new: '5' });
    expect(renderEvent('grade.changed', { subject: 'Химия', payload: { from: 3, to: 5 } })!.text.body).toBe(
      'Химия, оценка изменена: 3 → 5',
    );
  });

  it('skips attendance marks that are not absences or lateness', () => {
    expect(renderEvent('attendance.marked', { payload: { status: 'present' } })).toBeNull();
    expect(renderEvent('attendance.marked', { childName: 'Аня', payload: { status: 'absent' } })!.text.body).toBe(
      'Аня: отсутствие на уроке',
    );
  });

  it('lists the kinds of a lesson change and ignores unknown events', () => {
    expect(
      renderEvent('lesson.changed', { subject: 'История', payload: { kinds: ['moved', 'room_changed'], after: { date: '2026-11-30' } } })!
        .text.body,
    ).toBe('История, 2026-11-30, урок перенесён, смена кабинета');
    expect(renderEvent('something.else', { payload: {} })).toBeNull();
  });

  it('sums the digest', () => {
    expect(
      renderDigest([
        { kind: 'grade', n: 3 },
        { kind: 'schedule', n: 2 },
      ]).body,
    ).toBe('Непрочитанных уведомлений: 5 (оценки — 3, расписание — 2)');
  });

  it('security alerts: the owner and the school admin read different texts; the push-safe texts carry no IP', () => {
    const locked = { userId: 'u', minutes: 15, failures: 5 };
    expect(renderEvent('security.account_locked', { payload: locked })).toEqual({
      kind: 'security',
      text: {
        title: 'Вход временно заблокирован',
        body: 'После 5 неудачных попыток входа подряд вход в вашу учётную запись заблокирован на 15 минут. Если это были не вы, смените пароль и сообщите администратору школы.',
      },
    });
    expect(renderEvent('security.account_locked', { personName: 'Учителева Мария Петровна', payload: locked })!.text).toEqual({
      title: 'Блокировка учётной записи сотрудника',
      body: 'Учётная запись сотрудника Учителева Мария Петровна заблокирована на 15 минут после 5 неудачных попыток входа подряд. Снять блокировку можно в карточке пользователя.',
    });
    const device = renderEvent('security.new_device', { payload: { method: 'esia', device: 'Firefox, Linux', ip: '10.1.2.3' } })!;
    expect(device.kind).toBe('security');
    expect(device.text.body).toBe(
      'Выполнен вход в вашу учётную запись через Госуслуги с нового устройства (Firefox, Linux). Если это были не вы, смените пароль и сообщите администратору школы.',
    );
    expect(JSON.stringify(device)).not.toContain('10.1.2.3');
    expect(renderEvent('security.new_device', { payload: { method: 'password' } })!.text.body).toContain(
      'по логину и паролю с нового устройства (неизвестное устройство)',
    );
    expect(renderEvent('security.mfa_reset', { payload: {} })!.text.title).toBe('Второй фактор входа отключён');
  });

  it('Russian plurals', () => {
    expect([1, 2, 5, 11, 12, 21, 22, 25, 111].map((n) => plural(n, 'минуту', 'минуты', 'минут'))).toEqual([
      '1 минуту',
      '2 минуты',
      '5 минут',
      '11 минут',
      '12 минут',
      '21 минуту',
      '22 минуты',
      '25 минут',
      '111 минут',
    ]);
  });
});
