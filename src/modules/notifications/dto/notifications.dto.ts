import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { CHANNELS, Channel, NOTIFICATION_KINDS, STORED_KINDS } from '../notification-kinds';
import { LimitParam } from '../../../common/pagination/page';
import { IsBigIntString } from '../../../common/validation/numbers';
import { OptionalNotNull } from '../../../common/validation/optional';

const toBool = ({ value }: { value: unknown }): unknown => (value === 'true' ? true : value === 'false' ? false : value);

export class NotificationListQueryDto {
  @LimitParam(100, 30)
  limit: number = 30;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page (newest first)' })
  @IsOptional()
  @IsString()
  @IsBigIntString()
  cursor?: string;

  @ApiPropertyOptional({ description: 'Only unread notifications' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  unread?: boolean;
}

export class NotificationView {
  @ApiProperty({ example: '1024', description: 'Increasing id (also the SSE event id)' }) id!: string;
  @ApiProperty({ enum: STORED_KINDS }) kind!: string;
  @ApiProperty({ example: 'Новая оценка' }) title!: string;
  @ApiProperty({ example: 'Иван: Математика, оценка 5' }) body!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Ids of what it is about (studentId, lessonId, homeworkId, …)' })
  data!: Record<string, unknown>;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) readAt!: string | null;
}

export class NotificationPage {
  @ApiProperty({ type: [NotificationView] }) items!: NotificationView[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as cursor for the next (older) page; null at the end' }) nextCursor!:
    string | null;
}

export class UnreadCountView {
  @ApiProperty() unread!: number;
}

export class MarkAllReadDto {
  @ApiPropertyOptional({ description: 'Mark read only up to this id (the newest the client has shown)' })
  @OptionalNotNull()
  @IsString()
  @IsBigIntString()
  upToId?: string;
}

export class MarkAllReadResult {
  @ApiProperty() marked!: number;
}

export class ChannelsDto {
  @ApiPropertyOptional({ enum: CHANNELS }) @OptionalNotNull() @IsIn(CHANNELS) grade?: Channel;
  @ApiPropertyOptional({ enum: CHANNELS }) @OptionalNotNull() @IsIn(CHANNELS) attendance?: Channel;
  @ApiPropertyOptional({ enum: CHANNELS }) @OptionalNotNull() @IsIn(CHANNELS) homework?: Channel;
  @ApiPropertyOptional({ enum: CHANNELS }) @OptionalNotNull() @IsIn(CHANNELS) schedule?: Channel;
  @ApiPropertyOptional({ enum: CHANNELS }) @OptionalNotNull() @IsIn(CHANNELS) reminder?: Channel;
  @ApiPropertyOptional({ enum: CHANNELS }) @OptionalNotNull() @IsIn(CHANNELS) message?: Channel;
  @ApiPropertyOptional({ enum: CHANNELS }) @OptionalNotNull() @IsIn(CHANNELS) announcement?: Channel;
}

export class UpdatePreferencesDto {
  @ApiPropertyOptional({
    type: ChannelsDto,
    description: 'Channel per kind: in_app (list only), push (list and push), off. Kinds not given stay as they are',
  })
  @OptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => ChannelsDto)
  channels?: ChannelsDto;

  @ApiPropertyOptional({ description: 'Replace pushes by one daily digest (in-app notifications still appear at once)' })
  @OptionalNotNull()
  @IsBoolean()
  dailyDigest?: boolean;
}

export class PreferencesView {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', enum: [...CHANNELS] },
    example: Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, 'push'])),
  })
  channels!: Record<string, Channel>;
  @ApiProperty() dailyDigest!: boolean;
}

export class WebPushKeysDto {
  @ApiProperty({ description: 'Client public key (P-256, URL-safe base64) from PushSubscription.toJSON().keys' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{80,100}={0,2}$/, { message: 'p256dh must be a URL-safe base64 P-256 public key' })
  p256dh!: string;

  @ApiProperty({ description: 'Auth secret (16 bytes, URL-safe base64)' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{16,32}={0,2}$/, { message: 'auth must be a URL-safe base64 secret' })
  auth!: string;
}

export class RegisterWebPushDto {
  @ApiProperty({ description: 'PushSubscription.endpoint (https URL of the browser push service)' })
  @IsString()
  @MaxLength(2000)
  endpoint!: string;

  @ApiProperty({ type: WebPushKeysDto })
  @IsObject()
  @ValidateNested()
  @Type(() => WebPushKeysDto)
  keys!: WebPushKeysDto;
}

export class UnregisterWebPushDto {
  @ApiProperty() @IsString() @MaxLength(2000) endpoint!: string;
}

export class RegisterMobileDto {
  @ApiProperty({ description: 'Registration token of the mobile push provider (FCM-style)' })
  @IsString()
  @Matches(/^[A-Za-z0-9_:.-]{16,4096}$/, { message: 'token must be a push provider token' })
  token!: string;

  @ApiProperty({ enum: ['android', 'ios'] })
  @IsIn(['android', 'ios'])
  platform!: 'android' | 'ios';
}

export class DeviceView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['web_push', 'mobile'] }) kind!: string;
  @ApiProperty({ nullable: true, type: String, enum: ['android', 'ios', 'web'] }) platform!: string | null;
  @ApiProperty({ description: 'Host of the push service (web) or the last characters of the token (mobile)' }) label!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) lastSuccessAt!: string | null;
}

export class ConfirmDeviceDto {
  @ApiProperty({ description: 'The code the device received in its confirmation push (data.code)' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{22}$/, { message: 'code must be the code from the confirmation push' })
  code!: string;
}

export class DeviceConfirmationView {
  @ApiProperty({ enum: ['confirmation_sent'], description: 'A confirmation push went to the device; nothing moved yet' })
  status!: 'confirmation_sent';
  @ApiProperty({ description: 'The code in the push is valid this many seconds' }) expiresInSec!: number;
}

export class VapidKeyView {
  @ApiProperty({ nullable: true, type: String, description: 'applicationServerKey for PushManager.subscribe(); null when Web Push is off' })
  publicKey!: string | null;
}
