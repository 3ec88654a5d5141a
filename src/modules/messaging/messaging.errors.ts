import { AppError } from '../../common/errors/app-error';

/**
 * Messaging codes. A user who is not among the caller's contacts (another school, or no relation
 * that allows writing) reads as 404 CONTACT_NOT_FOUND, exactly like an unknown id, so the answer
 * never tells whether such a user exists. A conversation the caller is not a member of, and an
 * announcement they neither received nor may manage, read as 404 as well.
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
  ClassNotFound = 'CLASS_NOT_FOUND',
  NoRecipients = 'ANNOUNCEMENT_NO_RECIPIENTS',
  ConfirmationNotRequested = 'CONFIRMATION_NOT_REQUESTED',
}

export const MAX_GROUP_MEMBERS = 200;

export const MessagingErrors = {
  contactNotFound: (userIds: string[]) =>
    new AppError(MessagingErrorCode.ContactNotFound, 'Пользователь не найден среди ваших контактов', 404, { userIds }),
  conversationNotFound: () => new AppError(MessagingErrorCode.ConversationNotFound, 'Беседа не найдена', 404),
  messageNotFound: () => new AppError(MessagingErrorCode.MessageNotFound, 'Сообщение не найдено', 404),
  attachmentNotFound: () => new AppError(MessagingErrorCode.AttachmentNotFound, 'Файл не найден', 404),
  notGroup: () => new AppError(MessagingErrorCode.NotGroupConversation, 'Состав личной переписки изменить нельзя', 400),
  notOwner: () => new AppError(MessagingErrorCode.NotConversationOwner, 'Менять состав группы может только её создатель', 403),
  memberNotFound: () => new AppError(MessagingErrorCode.MemberNotFound, 'Участник беседы не найден', 404),
  tooManyMembers: () =>
    new AppError(MessagingErrorCode.TooManyMembers, `В группе может быть не больше ${MAX_GROUP_MEMBERS} участников`, 400, { max: MAX_GROUP_MEMBERS }),
  noSchool: () => new AppError(MessagingErrorCode.NoSchool, 'Сообщения доступны только пользователям школы', 403),
  announcementNotFound: () => new AppError(MessagingErrorCode.AnnouncementNotFound, 'Объявление не найдено', 404),
  audienceNotAllowed: () =>
    new AppError(MessagingErrorCode.AudienceNotAllowed, 'Классный руководитель может отправлять объявления только своему классу', 403),
  classNotFound: () => new AppError(MessagingErrorCode.ClassNotFound, 'Класс не найден', 404),
  noRecipients: () => new AppError(MessagingErrorCode.NoRecipients, 'У объявления нет ни одного получателя', 400),
  confirmationNotRequested: () =>
    new AppError(MessagingErrorCode.ConfirmationNotRequested, 'Это объявление не требует подтверждения', 400),
};
