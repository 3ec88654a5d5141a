import { AppError } from '../../common/errors/app-error';

/**
 * Messaging codes. A user who is not among the caller's contacts (another school, or no relation
 * that allows writing) reads as 404 CONTACT_NOT_FOUND, exactly like an unknown id, so the answer
 * never tells whether such a user exists. A conversation the caller is not a member of, and an
 * announcement they neither received nor may manage, read as 404 as well. A class they may not address is
 * SchoolsErrors.classNotFound.
 */
export enum MessagingErrorCode {
  ContactNotFound = 'CONTACT_NOT_FOUND',
  ConversationNotFound = 'CONVERSATION_NOT_FOUND',
  MessageNotFound = 'MESSAGE_NOT_FOUND',
  AttachmentNotFound = 'ATTACHMENT_NOT_FOUND',
  NotGroupConversation = 'CONVERSATION_NOT_GROUP',
  NotConversationOwner = 'NOT_CONVERSATION_OWNER',
  MemberNotFound = 'MEMBER_NOT_FOUND',
  TooManyMembers = 'TOO_MANY_MEMBERS',
  NoSchool = 'MESSAGING_NO_SCHOOL',
  AnnouncementNotFound = 'ANNOUNCEMENT_NOT_FOUND',
  AudienceNotAllowed = 'ANNOUNCEMENT_AUDIENCE_NOT_ALLOWED',
  NoRecipients = 'ANNOUNCEMENT_NO_RECIPIENTS',
  ConfirmationNotRequested = 'CONFIRMATION_NOT_REQUESTED',
}

export const MAX_GROUP_MEMBERS = 200;

export const MessagingErrors = {
  /**
   * Some of the users are not among the caller's contacts (`details.userIds`): unknown, of another school, blocked,
   * the caller themself, or not allowed by the role rules (GET /messaging/contacts lists who is). Nothing was created.
   */
  contactNotFound: (userIds: string[]) =>
    new AppError(MessagingErrorCode.ContactNotFound, 'Пользователь не найден среди ваших контактов', 404, { userIds }),
  /** The conversation does not exist or the caller is not (or no longer) a member of it (the two read the same). */
  conversationNotFound: () => new AppError(MessagingErrorCode.ConversationNotFound, 'Беседа не найдена', 404),
  /** `upToMessageId` names no message of this conversation. */
  messageNotFound: () => new AppError(MessagingErrorCode.MessageNotFound, 'Сообщение не найдено', 404),
  /** The attachment is not a file of a message of this conversation. */
  attachmentNotFound: () => new AppError(MessagingErrorCode.AttachmentNotFound, 'Файл не найден', 404),
  /** Members are added, removed or left only in group conversations; a 1:1 conversation keeps its two members. */
  notGroup: () => new AppError(MessagingErrorCode.NotGroupConversation, 'Состав личной переписки изменить нельзя', 400),
  /** Only the group's creator adds members or removes others; any member may leave (remove their own id). */
  notOwner: () => new AppError(MessagingErrorCode.NotConversationOwner, 'Менять состав группы может только её создатель', 403),
  /** The user to remove is not a member of the group (already left or removed). */
  memberNotFound: () => new AppError(MessagingErrorCode.MemberNotFound, 'Участник беседы не найден', 404),
  /** Adding these members would take the group over its limit (`details.max`, the creator included). */
  tooManyMembers: () =>
    new AppError(MessagingErrorCode.TooManyMembers, `В группе может быть не больше ${MAX_GROUP_MEMBERS} участников`, 400, {
      max: MAX_GROUP_MEMBERS,
    }),
  /** The caller belongs to no school, so there is no school to send an announcement in. */
  noSchool: () => new AppError(MessagingErrorCode.NoSchool, 'Сообщения доступны только пользователям школы', 403),
  /**
   * The announcement does not exist or is not the caller's (the two read the same): reading, marking read and
   * confirming need a recipient; stats, recipients and reminders need its sender or an admin of its school.
   */
  announcementNotFound: () => new AppError(MessagingErrorCode.AnnouncementNotFound, 'Объявление не найдено', 404),
  /** A class teacher who is not a school admin may address only a class (`audience=class`, their own), not the school or a role. */
  audienceNotAllowed: () =>
    new AppError(MessagingErrorCode.AudienceNotAllowed, 'Классный руководитель может отправлять объявления только своему классу', 403),
  /** The chosen audience has nobody in it but the sender (an empty class, a role nobody holds): nothing was sent. */
  noRecipients: () => new AppError(MessagingErrorCode.NoRecipients, 'У объявления нет ни одного получателя', 400),
  /** The announcement does not ask for a confirmation: mark it read instead (POST /messaging/announcements/{id}/read). */
  confirmationNotRequested: () => new AppError(MessagingErrorCode.ConfirmationNotRequested, 'Это объявление не требует подтверждения', 400),
};
