/**
 * Whom each kind of outbox event notifies, before any lookup (a pure rule; docs/domain.md section 8,
 * "Messaging, notifications and the state portal"). The lookup itself is read-models/recipients.read-model.ts.
 */
import { StoredEvent } from '../events/outbox.service';
import { RecipientSource } from './read-models/recipients.read-model';

/** Whom an event is for, before any lookup: keys of one recipient source, and where its subject comes from. */
export interface Audience {
  source: RecipientSource;
  /** One student, class, conversation or announcement id; for 'user', the listed users in order. */
  keys: string[];
  /** 'student' source: the student too (attendance goes to the parents only). */
  self?: boolean;
  /** Never this user (the message's sender), besides the event's actor. */
  exclude?: string | null;
  /** The texts' subject: by subject id, else by lesson id; none for messages and announcements. */
  subjectId?: string | null;
  lessonId?: string | null;
}

/** The recipient rule of each event type; null when the type makes no notification (or lacks its key). */
export function audienceOf(e: StoredEvent): Audience | null {
  const p = e.payload;
  const id = (k: string): string | null => (typeof p[k] === 'string' ? (p[k] as string) : null);
  const ids = (k: string): string[] => (Array.isArray(p[k]) ? (p[k] as unknown[]).filter((x): x is string => typeof x === 'string') : []);
  const subject = { subjectId: id('subjectId'), lessonId: id('lessonId') };
  switch (e.type) {
    case 'grade.created':
    case 'grade.changed':
    case 'grade.deleted':
    case 'homework.graded':
    case 'homework.returned':
    case 'attendance.marked': {
      const sid = id('studentId');
      return sid ? { source: 'student', keys: [sid], self: e.type !== 'attendance.marked', ...subject } : null;
    }
    case 'homework.created':
    case 'lesson.changed': {
      const classId = id('classId');
      return { source: 'class', keys: classId ? [classId] : [], ...subject };
    }
    case 'lesson.reminder':
      return { source: 'user', keys: ids('userIds'), ...subject };
    case 'message.created': {
      const conv = id('conversationId');
      return conv ? { source: 'conversation', keys: [conv], exclude: id('senderId') ?? e.actorId } : null;
    }
    case 'announcement.created':
      return { source: 'announcement', keys: [id('announcementId') ?? e.aggregateId] };
    case 'announcement.reminder':
      return { source: 'user', keys: ids('userIds') };
    // security alerts: the account owner; a lockout of staff also their school's admins (the 'account' source)
    case 'security.account_locked':
    case 'security.new_device':
    case 'security.mfa_reset': {
      const uid = id('userId');
      if (!uid) return null;
      return e.type === 'security.account_locked' ? { source: 'account', keys: [uid] } : { source: 'user', keys: [uid] };
    }
    default:
      return null;
  }
}
