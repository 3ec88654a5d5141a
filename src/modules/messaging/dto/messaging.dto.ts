import { DEPRECATED_CURSOR_ALIAS } from '../../../common/pagination/cursor';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
} from 'class-validator';
import { Role, SCHOOL_ROLES } from '../../../common/auth/role';
import { LimitParam, PageQueryDto } from '../../../common/pagination/page';
import { IsBigIntString } from '../../../common/validation/numbers';
import { OptionalNotNull } from '../../../common/validation/optional';
import { ConversationKind } from '../entities/conversation.entity';
import { MESSAGE_MAX_LENGTH } from '../entities/message.entity';
import { MAX_GROUP_MEMBERS } from '../messaging.errors';

const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

// ---- contacts ---------------------------------------------------------------------------------

export class ListContactsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: [...SCHOOL_ROLES], description: 'Только пользователи с этой ролью' })
  @IsOptional()
  @IsIn(SCHOOL_ROLES)
  role?: Role;

  @ApiPropertyOptional({ description: 'Поиск по фамилии, имени или отчеству', maxLength: 100 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  q?: string;
}

export class PersonView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Иванова' }) lastName!: string;
  @ApiProperty({ example: 'Мария' }) firstName!: string;
  @ApiProperty({ type: String, nullable: true, example: 'Петровна' }) middleName!: string | null;
  @ApiProperty({ enum: [...SCHOOL_ROLES], isArray: true }) roles!: Role[];
}

export class ContactPageView {
  @ApiProperty({ type: [PersonView] }) items!: PersonView[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

// ---- conversations ----------------------------------------------------------------------------

export class CreateDirectConversationDto {
  @ApiProperty({ format: 'uuid', description: 'Собеседник: один из ваших контактов' })
  @IsUUID()
  userId!: string;
}

export class CreateGroupConversationDto {
  @ApiProperty({ maxLength: 200, example: 'Родители 7А' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  title!: string;

  @ApiProperty({ type: [String], description: `Участники кроме вас (ваши контакты), до ${MAX_GROUP_MEMBERS - 1}` })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_GROUP_MEMBERS - 1)
  @ArrayUnique()
  @IsUUID(undefined, { each: true })
  memberIds!: string[];
}

export class AddMembersDto {
  @ApiProperty({ type: [String], description: 'Новые участники (ваши контакты)' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_GROUP_MEMBERS - 1)
  @ArrayUnique()
  @IsUUID(undefined, { each: true })
  userIds!: string[];
}

export class SendMessageDto {
  @ApiProperty({ maxLength: MESSAGE_MAX_LENGTH, example: 'Добрый день! Когда будет контрольная?' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(MESSAGE_MAX_LENGTH)
  body!: string;
}

export class MessageHistoryQueryDto {
  @ApiPropertyOptional({ description: 'nextCursor предыдущего ответа (id сообщения): вернутся более старые сообщения', example: '1042' })
  @IsOptional()
  @IsBigIntString()
  cursor?: string;

  @ApiPropertyOptional({ deprecated: true, description: DEPRECATED_CURSOR_ALIAS })
  @IsOptional()
  @IsBigIntString()
  before?: string;

  @LimitParam(100, 50)
  limit: number = 50;
}

export class MarkReadDto {
  @ApiPropertyOptional({ description: 'Прочитано до этого сообщения включительно; по умолчанию до последнего', example: '1042' })
  @OptionalNotNull()
  @IsBigIntString()
  upToMessageId?: string;
}

/** Files a message may carry: at most this many, each at most this size, of these types. */
export const ATTACHMENT_SPEC = {
  field: 'files',
  maxFiles: 5,
  maxBytes: 10 * 1024 * 1024,
  area: 'messages',
  allowed: {
    pdf: ['application/pdf'],
    jpg: ['image/jpeg'],
    jpeg: ['image/jpeg'],
    png: ['image/png'],
    gif: ['image/gif'],
    docx: ['application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    xlsx: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    pptx: ['application/vnd.openxmlformats-officedocument.presentationml.presentation'],
    odt: ['application/vnd.oasis.opendocument.text'],
    txt: ['text/plain'],
  } as Record<string, string[]>,
};

/** Text fields of the multipart form; the text may be empty when files are attached. */
export class SendMessageFieldsDto {
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(MESSAGE_MAX_LENGTH)
  body?: string;
}

export class AttachmentView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'контрольная.pdf' }) name!: string;
  @ApiProperty({ example: 'application/pdf' }) contentType!: string;
  @ApiProperty({ description: 'Размер в байтах' }) size!: number;
}

export class MessageView {
  @ApiProperty({ example: '1042', description: 'Идентификатор (строка с числом); по нему листается история' }) id!: string;
  @ApiProperty({ format: 'uuid' }) conversationId!: string;
  @ApiProperty({ format: 'uuid', type: String, nullable: true, description: 'null, если учётная запись отправителя удалена' }) senderId!:
    string | null;
  @ApiProperty({ description: 'Текст; пустой, если сообщение состоит только из файлов' }) body!: string;
  @ApiProperty({ type: [AttachmentView] }) attachments!: AttachmentView[];
  @ApiProperty() createdAt!: Date;
}

export class MessageHistoryView {
  @ApiProperty({ type: [MessageView], description: 'Сначала новые' }) items!: MessageView[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Передайте как `cursor`, чтобы получить более старые; null — история закончилась',
  })
  nextCursor!: string | null;
}

export class ConversationView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ConversationKind }) kind!: ConversationKind;
  @ApiProperty({ type: String, nullable: true, description: 'Название группы; null у личной переписки' }) title!: string | null;
  @ApiProperty({ format: 'uuid', type: String, nullable: true }) createdBy!: string | null;
  @ApiProperty() memberCount!: number;
  @ApiProperty({ type: PersonView, nullable: true, description: 'Собеседник в личной переписке' }) peer!: PersonView | null;
  @ApiProperty({ type: MessageView, nullable: true }) lastMessage!: MessageView | null;
  @ApiProperty() unreadCount!: number;
  @ApiProperty({ type: String, nullable: true, example: '1040' }) lastReadMessageId!: string | null;
  @ApiProperty() createdAt!: Date;
}

export class ConversationDetailView extends ConversationView {
  @ApiProperty({ type: [PersonView] }) members!: PersonView[];
}

export class ConversationPageView {
  @ApiProperty({ type: [ConversationView] }) items!: ConversationView[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class ReadStateView {
  @ApiProperty({ format: 'uuid' }) conversationId!: string;
  @ApiProperty({ type: String, nullable: true }) lastReadMessageId!: string | null;
  @ApiProperty() unreadCount!: number;
}

export class UnreadView {
  @ApiProperty({ description: 'Непрочитанных сообщений во всех беседах' }) messages!: number;
  @ApiProperty({ description: 'Бесед с непрочитанными сообщениями' }) conversations!: number;
  @ApiProperty({ description: 'Непрочитанных объявлений' }) announcements!: number;
}
