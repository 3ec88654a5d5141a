import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '../../common/auth/principal';
import { CurrentUser } from '../../common/decorators/current-user.decorator';
import { ParseId } from '../../common/pipes/parse-id.pipe';
import {
  DeviceView, MarkAllReadDto, MarkAllReadResult, NotificationListQueryDto, NotificationPage, NotificationView, PreferencesView, RegisterMobileDto,
  RegisterWebPushDto, UnreadCountView, UnregisterWebPushDto, UpdatePreferencesDto, VapidKeyView,
} from './dto/notifications.dto';
import { NotificationsService } from './notifications.service';

/** The signed-in user's own notifications, settings and devices (every route is scoped to the caller). */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOperation({ summary: 'My notifications, newest first (keyset pages: pass nextCursor as cursor); unread=true for unread only' })
  @ApiOkResponse({ type: NotificationPage })
  list(@CurrentUser() p: Principal, @Query() q: NotificationListQueryDto): Promise<NotificationPage> {
    return this.notifications.list(p, q);
  }

  @Get('unread-count')
  @ApiOperation({ summary: 'How many of my notifications are unread' })
  @ApiOkResponse({ type: UnreadCountView })
  async unreadCount(@CurrentUser() p: Principal): Promise<UnreadCountView> {
    return { unread: await this.notifications.unreadCount(p) };
  }

  @Post('read-all')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark all my notifications read (optionally only up to an id)' })
  @ApiOkResponse({ type: MarkAllReadResult })
  readAll(@CurrentUser() p: Principal, @Body() dto: MarkAllReadDto): Promise<MarkAllReadResult> {
    return this.notifications.markAllRead(p, dto);
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark one of my notifications read (404 NOTIFICATION_NOT_FOUND for anything else)' })
  @ApiOkResponse({ type: NotificationView })
  read(@CurrentUser() p: Principal, @Param('id') id: string): Promise<NotificationView> {
    return this.notifications.markRead(p, id);
  }

  @Get('preferences')
  @ApiOperation({ summary: 'My channel per kind (in_app | push | off) and the daily digest option' })
  @ApiOkResponse({ type: PreferencesView })
  preferences(@CurrentUser() p: Principal): Promise<PreferencesView> {
    return this.notifications.preferences(p);
  }

  @Patch('preferences')
  @ApiOperation({ summary: 'Change my channels (only the kinds given) and/or the daily digest option' })
  @ApiOkResponse({ type: PreferencesView })
  updatePreferences(@CurrentUser() p: Principal, @Body() dto: UpdatePreferencesDto): Promise<PreferencesView> {
    return this.notifications.updatePreferences(p, dto);
  }

  @Get('web-push/public-key')
  @ApiOperation({ summary: 'VAPID public key for PushManager.subscribe({ applicationServerKey })' })
  @ApiOkResponse({ type: VapidKeyView })
  vapidKey(): VapidKeyView {
    return { publicKey: this.notifications.vapidPublicKey() };
  }

  @Get('devices')
  @ApiOperation({ summary: 'My registered push devices' })
  @ApiOkResponse({ type: [DeviceView] })
  devices(@CurrentUser() p: Principal): Promise<DeviceView[]> {
    return this.notifications.devices(p);
  }

  @Post('devices/web-push')
  @ApiOperation({ summary: 'Register a browser Web Push subscription (PushSubscription.toJSON()); re-registering is harmless' })
  @ApiCreatedResponse({ type: DeviceView })
  registerWebPush(@CurrentUser() p: Principal, @Body() dto: RegisterWebPushDto): Promise<DeviceView> {
    return this.notifications.registerWebPush(p, dto);
  }

  @Post('devices/web-push/unsubscribe')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a browser subscription by its endpoint (after PushSubscription.unsubscribe())' })
  @ApiNoContentResponse()
  unregisterWebPush(@CurrentUser() p: Principal, @Body() dto: UnregisterWebPushDto): Promise<void> {
    return this.notifications.unregisterWebPush(p, dto.endpoint);
  }

  @Post('devices/mobile')
  @ApiOperation({ summary: 'Register a mobile push token (FCM-style); re-registering is harmless' })
  @ApiCreatedResponse({ type: DeviceView })
  registerMobile(@CurrentUser() p: Principal, @Body() dto: RegisterMobileDto): Promise<DeviceView> {
    return this.notifications.registerMobile(p, dto);
  }

  @Delete('devices/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove one of my devices' })
  @ApiNoContentResponse()
  removeDevice(@CurrentUser() p: Principal, @Param('id', ParseId) id: string): Promise<void> {
    return this.notifications.removeDevice(p, id);
  }
}
