import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength, ValidateIf } from 'class-validator';
import { Role, SCHOOL_ROLES } from '../../../common/auth/role';
import { PageQueryDto } from '../../../common/pagination/page';
import { ANNOUNCEMENT_BODY_MAX, ANNOUNCEMENT_TITLE_MAX, AnnouncementAudience } from '../entities/announcement.entity';
import { PersonView } from './messaging.dto';
import { OptionalNotNull } from '../../../common/validation/optional';

const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

export class CreateAnnouncementDto {
  @ApiProperty({
    enum: AnnouncementAudience,
    description: 'school — вся школа; class — ученики класса и их родители; role — все пользователи школы с ролью',
  })
  @IsIn(Object.values(AnnouncementAudience))
  audience!: AnnouncementAudience;

  @ApiPropertyOptional({ format: 'uuid', description: 'Обязателен для audience=class' })
  @ValidateIf((o: CreateAnnouncementDto) => o.audience === AnnouncementAudience.Class || o.classId !== undefined)
  @IsUUID()
  classId?: string;

  @ApiPropertyOptional({ enum: [...SCHOOL_ROLES], description: 'Обязательна для audience=role' })
  @ValidateIf((o: CreateAnnouncementDto) => o.audience === AnnouncementAudience.Role || o.role !== undefined)
  @IsIn(SCHOOL_ROLES)
  role?: Role;

  @ApiProperty({ maxLength: ANNOUNCEMENT_TITLE_MAX, example: 'Родительское собрание' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(ANNOUNCEMENT_TITLE_MAX)
  title!: string;

  @ApiProperty({ maxLength: ANNOUNCEMENT_BODY_MAX, example: 'Собрание состоится в четверг в 18:00 в кабинете 12.' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(ANNOUNCEMENT_BODY_MAX)
  body!: string;

  @ApiPropertyOptional({ default: false, description: 'Просить получателей подтвердить участие' })
  @OptionalNotNull()
  @IsBoolean()
  requiresConfirmation?: boolean;
}

export const INBOX_ORDERS = ['unread_first', 'newest'] as const;
export type InboxOrder = (typeof INBOX_ORDERS)[number];

export class ListInboxQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: INBOX_ORDERS, default: 'unread_first' })
  @IsOptional()
  @IsIn(INBOX_ORDERS)
  order: InboxOrder = 'unread_first';
}

export const RECIPIENT_FILTERS = ['all', 'read', 'unread', 'confirmed', 'unconfirmed'] as const;
export type RecipientFilter = (typeof RECIPIENT_FILTERS)[number];

export class ListRecipientsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: RECIPIENT_FILTERS, default: 'all' })
  @IsOptional()
  @IsIn(RECIPIENT_FILTERS)
  status: RecipientFilter = 'all';
}

export class AnnouncementView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: AnnouncementAudience }) audience!: AnnouncementAudience;
  @ApiProperty({ format: 'uuid', type: String, nullable: true }) classId!: string | null;
  @ApiProperty({ enum: [...SCHOOL_ROLES], type: String, nullable: true }) role!: string | null;
  @ApiProperty() title!: string;
  @ApiProperty() body!: string;
  @ApiProperty() requiresConfirmation!: boolean;
  @ApiProperty({ type: PersonView, nullable: true }) sender!: PersonView | null;
  @ApiProperty() createdAt!: Date;
}

/** An announcement as its recipient sees it. */
export class InboxAnnouncementView extends AnnouncementView {
  @ApiProperty({ type: Date, nullable: true }) readAt!: Date | null;
  @ApiProperty({ type: Date, nullable: true }) confirmedAt!: Date | null;
}

export class InboxPageView {
  @ApiProperty({ type: [InboxAnnouncementView] }) items!: InboxAnnouncementView[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class AnnouncementStatsView {
  @ApiProperty() total!: number;
  @ApiProperty() read!: number;
  @ApiProperty({ description: 'Подтвердили (0, если подтверждение не запрашивалось)' }) confirmed!: number;
  @ApiProperty() requiresConfirmation!: boolean;
}

/** An announcement as its sender sees it. */
export class SentAnnouncementView extends AnnouncementView {
  @ApiProperty({ type: AnnouncementStatsView }) stats!: AnnouncementStatsView;
}

export class SentPageView {
  @ApiProperty({ type: [SentAnnouncementView] }) items!: SentAnnouncementView[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class RecipientView {
  @ApiProperty({ type: PersonView }) user!: PersonView;
  @ApiProperty({ type: Date, nullable: true }) readAt!: Date | null;
  @ApiProperty({ type: Date, nullable: true }) confirmedAt!: Date | null;
  @ApiProperty({ type: Date, nullable: true }) lastRemindedAt!: Date | null;
  @ApiProperty() reminderCount!: number;
}

export class RecipientPageView {
  @ApiProperty({ type: [RecipientView] }) items!: RecipientView[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class RemindResultView {
  @ApiProperty({ description: 'Скольким получателям записано напоминание' }) reminded!: number;
  @ApiProperty({ description: 'Не прочитали/не подтвердили, но уже получили напоминание за последний час' }) skipped!: number;
}
