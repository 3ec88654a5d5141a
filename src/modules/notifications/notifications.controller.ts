import { applyDecorators, Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Principal } from '../../common/auth/principal';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { ApiFeedPage } from '../../common/pagination/api-page';
import { ParseId } from '../../common/pipes/parse-id.pipe';
import { FeedPage } from '../../core/feeds/feed-cursor';
import { NotificationFeedItem, NotificationFeedQueryDto } from './dto/notification-feed.dto';
import {
  ConfirmDeviceDto,
  DeviceConfirmationView,
  DeviceView,
  MarkAllReadDto,
  MarkAllReadResult,
  NotificationListQueryDto,
  NotificationPage,
  NotificationView,
  PreferencesView,
  RegisterMobileDto,
  RegisterWebPushDto,
  UnreadCountView,
  UnregisterWebPushDto,
  UpdatePreferencesDto,
  VapidKeyView,
} from './dto/notifications.dto';
import { InboxService } from './inbox.service';
import { NotificationPreferencesService } from './preferences.service';
import { DeviceRegistration, PushDevicesService } from './push-devices.service';

/**
 * How a push device registered by another user is handled (the same for Web Push and mobile tokens).
 * Also in docs/security.md ("Queues, push and restores").
 */
const TAKEN_DEVICE =
  'A device already registered by another user is never moved on this request alone: the answer is 202 and a ' +
  'confirmation push (data `{ type: "device-confirmation", code }`; for Web Push encrypted with the keys sent here) goes to the device. ' +
  "It moves to the caller only when the caller's session sends that code to POST /notifications/devices/confirm within 10 minutes; " +
  "the previous owner's registration is then removed. At most one confirmation push per device a minute.";

/** OpenAPI of a device registration route: 201 or 202, the taken-device rule, and its error codes. */
const DeviceRegistrationDocs = (summary: string, errors: string): MethodDecorator =>
  applyDecorators(
    ApiOperation({
      summary,
      description: `${TAKEN_DEVICE} Errors: ${errors}; 429 PUSH_CONFIRMATION_THROTTLED; 503 PUSH_CONFIRMATION_UNAVAILABLE.`,
    }),
    ApiCreatedResponse({ type: DeviceView, description: "Registered (new, or the caller's own again)" }),
    ApiAcceptedResponse({ type: DeviceConfirmationView, description: 'Held by another user: a confirmation push was sent to the device' }),
  );

/** 201 with the device, or 202 when a confirmation push went to it first. */
function answer(res: Response, r: DeviceRegistration): DeviceView | DeviceConfirmationView {
  if (r.created) return r.created;
  res.status(202);
  return r.confirmation;
}

/** The signed-in user's own notifications, settings and devices (every route is scoped to the caller). */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notifications')
export class NotificationsController {
  constructor(
    private readonly inbox: InboxService,
    private readonly prefs: NotificationPreferencesService,
    private readonly pushDevices: PushDevicesService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'My notifications, newest first (keyset pages: pass nextCursor as cursor); unread=true for unread only' })
  @ApiOkResponse({ type: NotificationPage })
  list(@CurrentUser() p: Principal, @Query() q: NotificationListQueryDto): Promise<NotificationPage> {
    return this.inbox.list(p, q);
  }

  @Get('changes')
  @ApiOperation({
    summary: 'Feed of my notifications that arrived or were read since a cursor (offline sync, read state across devices)',
    description:
      'Same cursor semantics as GET /grades/changes: pass nextCursor as `cursor`; a deleted notification comes as `{ id, deleted: true }`.',
  })
  @ApiFeedPage(NotificationFeedItem)
  listNotificationFeed(@CurrentUser() p: Principal, @Query() q: NotificationFeedQueryDto): Promise<FeedPage<NotificationFeedItem>> {
    return this.inbox.feed(p, q);
  }

  @Get('unread-count')
  @ApiOperation({ summary: 'How many of my notifications are unread' })
  @ApiOkResponse({ type: UnreadCountView })
  async unreadCount(@CurrentUser() p: Principal): Promise<UnreadCountView> {
    return { unread: await this.inbox.unreadCount(p) };
  }

  @Post('read-all')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark all my notifications read (optionally only up to an id)' })
  @ApiOkResponse({ type: MarkAllReadResult })
  readAll(@CurrentUser() p: Principal, @Body() dto: MarkAllReadDto): Promise<MarkAllReadResult> {
    return this.inbox.markAllRead(p, dto);
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark one of my notifications read (404 NOTIFICATION_NOT_FOUND for anything else)' })
  @ApiOkResponse({ type: NotificationView })
  read(@CurrentUser() p: Principal, @Param('id') id: string): Promise<NotificationView> {
    return this.inbox.markRead(p, id);
  }

  @Get('preferences')
  @ApiOperation({ summary: 'My channel per kind (in_app | push | off) and the daily digest option' })
  @ApiOkResponse({ type: PreferencesView })
  preferences(@CurrentUser() p: Principal): Promise<PreferencesView> {
    return this.prefs.preferences(p);
  }

  @Patch('preferences')
  @ApiOperation({ summary: 'Change my channels (only the kinds given) and/or the daily digest option' })
  @ApiOkResponse({ type: PreferencesView })
  updatePreferences(@CurrentUser() p: Principal, @Body() dto: UpdatePreferencesDto): Promise<PreferencesView> {
    return this.prefs.updatePreferences(p, dto);
  }

  @Get('web-push/public-key')
  @ApiOperation({ summary: 'VAPID public key for PushManager.subscribe({ applicationServerKey })' })
  @ApiOkResponse({ type: VapidKeyView })
  vapidKey(): VapidKeyView {
    return { publicKey: this.pushDevices.vapidPublicKey() };
  }

  @Get('devices')
  @ApiOperation({ summary: 'My registered push devices' })
  @ApiOkResponse({ type: [DeviceView] })
  devices(@CurrentUser() p: Principal): Promise<DeviceView[]> {
    return this.pushDevices.devices(p);
  }

  @Post('devices/web-push')
  @DeviceRegistrationDocs(
    'Register a browser Web Push subscription (PushSubscription.toJSON()); re-registering is harmless',
    '400 INVALID_PUSH_ENDPOINT, VALIDATION_FAILED; 409 WEB_PUSH_DISABLED, DEVICE_LIMIT_REACHED, PUSH_DEVICE_TAKEN (held by another user and no confirmation push could be delivered)',
  )
  async registerWebPush(
    @CurrentUser() p: Principal,
    @Body() dto: RegisterWebPushDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<DeviceView | DeviceConfirmationView> {
    return answer(res, await this.pushDevices.registerWebPush(p, dto));
  }

  @Post('devices/web-push/unsubscribe')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a browser subscription by its endpoint (after PushSubscription.unsubscribe())' })
  @ApiNoContentResponse()
  unregisterWebPush(@CurrentUser() p: Principal, @Body() dto: UnregisterWebPushDto): Promise<void> {
    return this.pushDevices.unregisterWebPush(p, dto.endpoint);
  }

  @Post('devices/mobile')
  @DeviceRegistrationDocs(
    'Register a mobile push token (FCM); re-registering is harmless. The confirmation push is a data-only (silent) FCM message',
    '400 VALIDATION_FAILED; 409 DEVICE_LIMIT_REACHED, PUSH_DEVICE_TAKEN (held by another user and no confirmation push could be delivered, e.g. mobile push is not configured)',
  )
  async registerMobile(
    @CurrentUser() p: Principal,
    @Body() dto: RegisterMobileDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<DeviceView | DeviceConfirmationView> {
    return answer(res, await this.pushDevices.registerMobile(p, dto));
  }

  @Post('devices/confirm')
  @ApiOperation({
    summary: 'Confirm a device registered by another user with the code its confirmation push carried; the device moves to me',
    description:
      'Single use; the code is bound to the user who registered the device. Errors: 400 VALIDATION_FAILED; ' +
      '404 DEVICE_CONFIRMATION_NOT_FOUND (unknown, expired, used, or asked for by another user); 409 DEVICE_LIMIT_REACHED; 503 PUSH_CONFIRMATION_UNAVAILABLE.',
  })
  @ApiCreatedResponse({ type: DeviceView })
  confirmDevice(@CurrentUser() p: Principal, @Body() dto: ConfirmDeviceDto): Promise<DeviceView> {
    return this.pushDevices.confirmDevice(p, dto.code);
  }

  @Delete('devices/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove one of my devices' })
  @ApiNoContentResponse()
  removeDevice(@CurrentUser() p: Principal, @Param('id', ParseId) id: string): Promise<void> {
    return this.pushDevices.removeDevice(p, id);
  }
}
