import { NotificationKind, SECURITY_KIND } from './notification-kinds';

/**
 * Russian texts of notifications, built from event facts (payloads hold ids and small facts only;
 * names are looked up by the fan-out). Pure functions, unit-tested beside this file.
 */

export interface Facts {
  /** Subject name, if the event names a subject. */
  subject?: string | null;
  /** First name of the student the event is about (shown to parents). */
  childName?: string | null;
  /** Full name of the person a security alert is about, when the recipient is someone else (their school admin). */
  personName?: string | null;
  payload: Record<string, unknown>;
}

export interface Text {
  title: string;
  body: string;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : typeof v === 'number' ? String(v) : null);

/** 5 → "5", 'pass' → "зачёт", 'fail' → "незачёт"; anything else as is. */
export function gradeText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'object') return gradeText((v as Record<string, unknown>).value);
  const s = String(v);
  if (s === 'pass') return 'зачёт';
  if (s === 'fail') return 'незачёт';
  return s;
}

/** Reads a grade value from the common payload shapes: value, newValue/oldValue, after/before, to/from. */
export function gradeValues(p: Record<string, unknown>): { old: string | null; new: string | null } {
  const pick = (...keys: string[]): unknown => keys.map((k) => p[k]).find((v) => v !== undefined && v !== null);
  const nested = (k: string): unknown => (p[k] && typeof p[k] === 'object' ? (p[k] as Record<string, unknown>).value : undefined);
  return {
    new: gradeText(pick('newValue', 'value', 'to') ?? nested('after') ?? nested('new')),
    old: gradeText(pick('oldValue', 'from') ?? nested('before') ?? nested('old')),
  };
}

const CHANGE_KINDS: Record<string, string> = {
  cancelled: 'урок отменён',
  restored: 'урок снова в расписании',
  moved: 'урок перенесён',
  substituted: 'замена учителя',
  room_changed: 'смена кабинета',
};

const ATTENDANCE: Record<string, string> = {
  absent: 'отсутствие на уроке',
  late: 'опоздание на урок',
  excused: 'отсутствие по уважительной причине',
};

/** Russian plural: 1 минуту, 2 минуты, 5 минут. */
export function plural(n: number, one: string, few: string, many: string): string {
  const m10 = n % 10;
  const m100 = n % 100;
  const word = m10 === 1 && m100 !== 11 ? one : m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14) ? few : many;
  return `${n} ${word}`;
}

const num = (v: unknown, def: number): number => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : def);

const join = (...parts: Array<string | null | undefined>): string => parts.filter((x): x is string => !!x).join(', ');
const about = (f: Facts, body: string): string => (f.childName ? `${f.childName}: ${body}` : body);

/** Title and body for one event type; null when the event makes no notification (e.g. attendance "present"). */
export function renderEvent(type: string, f: Facts): { kind: NotificationKind | typeof SECURITY_KIND; text: Text } | null {
  const p = f.payload;
  const subject = f.subject ?? null;
  switch (type) {
    case 'grade.created': {
      const g = gradeValues(p);
      return {
        kind: 'grade',
        text: { title: 'Новая оценка', body: about(f, join(subject, g.new ? `оценка ${g.new}` : 'выставлена оценка')) },
      };
    }
    case 'grade.changed': {
      const g = gradeValues(p);
      const change = g.old && g.new ? `оценка изменена: ${g.old} → ${g.new}` : g.new ? `оценка изменена на ${g.new}` : 'оценка изменена';
      return { kind: 'grade', text: { title: 'Оценка изменена', body: about(f, join(subject, change)) } };
    }
    case 'grade.deleted': {
      const g = gradeValues(p);
      return {
        kind: 'grade',
        text: {
          title: 'Оценка удалена',
          body: about(f, join(subject, (g.old ?? g.new) ? `удалена оценка ${g.old ?? g.new}` : 'оценка удалена')),
        },
      };
    }
    case 'attendance.marked': {
      const status = str(p.status) ?? str(p.mark) ?? str(p.value);
      if (!status || !ATTENDANCE[status]) return null;
      return { kind: 'attendance', text: { title: 'Посещаемость', body: about(f, join(ATTENDANCE[status], subject, str(p.date))) } };
    }
    case 'homework.created': {
      const due = str(p.dueDate) ?? str(p.dueAt);
      return {
        kind: 'homework',
        text: { title: 'Новое домашнее задание', body: join(subject, due ? `срок: ${due.slice(0, 10)}` : null) || 'Новое задание' },
      };
    }
    case 'homework.graded': {
      const g = gradeValues(p);
      return {
        kind: 'homework',
        text: { title: 'Домашнее задание проверено', body: about(f, join(subject, g.new ? `оценка ${g.new}` : 'работа проверена')) },
      };
    }
    case 'homework.returned':
      return {
        kind: 'homework',
        text: { title: 'Домашнее задание возвращено', body: about(f, join(subject, 'работа возвращена на доработку')) },
      };
    case 'lesson.changed': {
      const kinds = Array.isArray(p.kinds) ? p.kinds.map((k) => CHANGE_KINDS[String(k)]).filter(Boolean) : [];
      const date =
        str((p.after as Record<string, unknown> | undefined)?.date) ?? str((p.before as Record<string, unknown> | undefined)?.date);
      return { kind: 'schedule', text: { title: 'Изменение в расписании', body: join(subject, date, kinds.join(', ') || 'урок изменён') } };
    }
    case 'lesson.reminder':
      return { kind: 'reminder', text: { title: 'Скоро урок', body: subject ? `${subject}: урок скоро начнётся` : 'Урок скоро начнётся' } };
    case 'message.created':
      return { kind: 'message', text: { title: 'Новое сообщение', body: 'Вам пришло новое сообщение' } };
    case 'announcement.created':
      return {
        kind: 'announcement',
        text: {
          title: 'Новое объявление',
          body: p.requiresConfirmation ? 'Новое объявление: просим подтвердить участие' : 'Новое объявление школы',
        },
      };
    case 'announcement.reminder':
      return {
        kind: 'announcement',
        text: { title: 'Напоминание об объявлении', body: 'Пожалуйста, прочитайте объявление и подтвердите участие' },
      };
    case 'security.account_locked':
    case 'security.new_device':
    case 'security.mfa_reset':
      return { kind: SECURITY_KIND, text: securityText(type, f) };
    default:
      return null;
  }
}

/**
 * Security alerts. They go to push as well, so they name nothing the recipient does not know already: no
 * IP address (the login history shows it to the owner), the device only as "browser, system".
 */
function securityText(type: string, f: Facts): Text {
  const p = f.payload;
  const minutes = plural(num(p.minutes, 15), 'минуту', 'минуты', 'минут');
  const failures = plural(num(p.failures, 5), 'неудачной попытки', 'неудачных попыток', 'неудачных попыток');
  switch (type) {
    case 'security.account_locked':
      return f.personName
        ? {
            title: 'Блокировка учётной записи сотрудника',
            body: `Учётная запись сотрудника ${f.personName} заблокирована на ${minutes} после ${failures} входа подряд. Снять блокировку можно в карточке пользователя.`,
          }
        : {
            title: 'Вход временно заблокирован',
            body: `После ${failures} входа подряд вход в вашу учётную запись заблокирован на ${minutes}. Если это были не вы, смените пароль и сообщите администратору школы.`,
          };
    case 'security.new_device': {
      const how = p.method === 'esia' ? 'через Госуслуги' : 'по логину и паролю';
      const device = str(p.device) ?? 'неизвестное устройство';
      return {
        title: 'Вход с нового устройства',
        body: `Выполнен вход в вашу учётную запись ${how} с нового устройства (${device}). Если это были не вы, смените пароль и сообщите администратору школы.`,
      };
    }
    default:
      return {
        title: 'Второй фактор входа отключён',
        body: 'Администратор отключил вход с кодом подтверждения для вашей учётной записи, все сеансы завершены. Если вы не просили об этом, сообщите администратору школы.',
      };
  }
}

const KIND_LABELS: Record<string, string> = {
  grade: 'оценки',
  attendance: 'посещаемость',
  homework: 'домашние задания',
  schedule: 'расписание',
  reminder: 'напоминания',
  message: 'сообщения',
  announcement: 'объявления',
  security: 'безопасность',
};

/** The daily digest: "5 непрочитанных уведомлений: оценки — 3, расписание — 2". */
export function renderDigest(counts: Array<{ kind: string; n: number }>): Text {
  const total = counts.reduce((s, c) => s + c.n, 0);
  const parts = counts.map((c) => `${KIND_LABELS[c.kind] ?? c.kind} — ${c.n}`);
  return { title: 'Сводка за день', body: `Непрочитанных уведомлений: ${total} (${parts.join(', ')})` };
}
