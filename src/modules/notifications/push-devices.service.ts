import { Inject, Injectable } from '@nestjs/common';
import { Principal } from '../../common/auth/principal';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { DeviceConfirmationView, DeviceView, RegisterMobileDto, RegisterWebPushDto } from './dto/notifications.dto';
import { CLAIM_TTL_SEC, DeviceClaims } from './device-claims';
import { MAX_DEVICES_PER_USER, NotificationsErrors } from './notifications.errors';
import { MOBILE_PUSH_PROVIDER, MobilePushProvider, PushMessage, pushTag } from './push/push.types';
import { WebPushSender } from './push/web-push.sender';
import { DeviceRow, NewDevice, PushDevicesRepository } from './push-devices.repository';

const deviceView = (d: DeviceRow): DeviceView => {
  let label = d.address.slice(-6);
  if (d.kind === 'web_push') {
    try {
      label = new URL(d.address).host;
    } catch {
      label = 'web';
    }
  }
  return {
    id: d.id,
    kind: d.kind,
    platform: d.platform,
    label,
    createdAt: new Date(d.created_at).toISOString(),
    lastSuccessAt: d.last_success_at ? new Date(d.last_success_at).toISOString() : null,
  };
};

/** A registration: the device was registered (201), or a confirmation push went to it first (202). */
export type DeviceRegistration = { created: DeviceView; confirmation?: never } | { confirmation: DeviceConfirmationView; created?: never };

/**
 * The user's push devices: Web Push subscriptions and mobile tokens, registered, listed, removed, and
 * moved from another user only when the device itself confirms (a code in a push, see `register`).
 */
@Injectable()
export class PushDevicesService {
  constructor(
    private readonly repo: PushDevicesRepository,
    private readonly webPush: WebPushSender,
    private readonly claims: DeviceClaims,
    @Inject(MOBILE_PUSH_PROVIDER) private readonly mobile: MobilePushProvider,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  vapidPublicKey(): string | null {
    return this.webPush.publicKey;
  }

  async registerWebPush(p: Principal, dto: RegisterWebPushDto): Promise<DeviceRegistration> {
    if (!this.webPush.publicKey) throw NotificationsErrors.webPushOff();
    let url: URL;
    try {
      url = new URL(dto.endpoint);
    } catch {
      throw NotificationsErrors.invalidEndpoint();
    }
    const allowed = this.config.nodeEnv === 'production' ? ['https:'] : ['https:', 'http:'];
    if (!allowed.includes(url.protocol) || url.username || url.password) throw NotificationsErrors.invalidEndpoint();
    return this.register(p, {
      userId: p.userId,
      kind: 'web_push',
      address: url.toString(),
      p256dh: dto.keys.p256dh,
      auth: dto.keys.auth,
      platform: 'web',
    });
  }

  async registerMobile(p: Principal, dto: RegisterMobileDto): Promise<DeviceRegistration> {
    return this.register(p, { userId: p.userId, kind: 'mobile', address: dto.token, p256dh: null, auth: null, platform: dto.platform });
  }

  /**
   * A new device, or the caller's own again: registered at once. A device another user holds is never
   * moved on the caller's word: a confirmation push with a single-use code goes to the device itself
   * (encrypted, for Web Push, with the keys the caller sent), and the device moves only when the
   * caller's session sends that code back (`confirmDevice`). Whoever merely learned an endpoint or a
   * token cannot read the push, so cannot take the device; the device's real holder can always win it
   * back the same way.
   */
  private async register(p: Principal, d: NewDevice): Promise<DeviceRegistration> {
    const owner = await this.repo.deviceOwner(d.kind, d.address);
    if (owner === null || owner === p.userId) {
      if (owner === null && (await this.repo.countDevices(p.userId)) >= MAX_DEVICES_PER_USER) throw NotificationsErrors.deviceLimit();
      const row = await this.repo.upsertOwnDevice(d);
      if (row) return { created: deviceView(row) };
      // another user registered it a moment ago: it is theirs now, so it takes a confirmation as well
    }
    return { confirmation: await this.sendConfirmation(d) };
  }

  private async sendConfirmation(d: NewDevice): Promise<DeviceConfirmationView> {
    const wait = await this.redisCall(() => this.claims.reserveSend(d.kind, d.address));
    if (wait > 0) throw NotificationsErrors.confirmationThrottled(wait);
    const code = await this.redisCall(() => this.claims.create(d));
    const createdAt = new Date().toISOString();
    const message: PushMessage = {
      id: 'device-confirmation',
      kind: 'device_confirmation',
      title: 'Подтверждение устройства',
      body: 'Откройте дневник на этом устройстве, чтобы получать на него уведомления',
      data: { type: 'device-confirmation', code },
      createdAt,
      tag: pushTag('device-confirmation', code),
      silent: true,
    };
    const outcome =
      d.kind === 'web_push'
        ? await this.webPush.send({ endpoint: d.address, p256dh: d.p256dh ?? '', auth: d.auth ?? '' }, message)
        : await this.mobile.send(d.address, message);
    if (outcome.outcome === 'sent') return { status: 'confirmation_sent', expiresInSec: CLAIM_TTL_SEC };
    await this.claims.drop(code).catch(() => undefined);
    if (outcome.outcome === 'retry') {
      await this.claims.releaseSend(d.kind, d.address).catch(() => undefined);
      throw NotificationsErrors.confirmationUnavailable();
    }
    if (outcome.outcome === 'gone') {
      // the push service no longer knows the address: the old owner's row is dead anyway
      await this.repo.deleteDeviceByAddress(null, d.kind, d.address);
    }
    throw NotificationsErrors.deviceTaken();
  }

  /** The device sent back its confirmation code: it moves to the caller (the old owner's row is removed). */
  async confirmDevice(p: Principal, code: string): Promise<DeviceView> {
    const claim = await this.redisCall(() => this.claims.take(code));
    if (!claim || claim.userId !== p.userId) throw NotificationsErrors.confirmationNotFound();
    if ((await this.repo.countDevices(p.userId)) >= MAX_DEVICES_PER_USER) throw NotificationsErrors.deviceLimit();
    return deviceView(await this.repo.takeOverDevice(claim));
  }

  private async redisCall<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch {
      throw NotificationsErrors.confirmationUnavailable();
    }
  }

  async devices(p: Principal): Promise<DeviceView[]> {
    return (await this.repo.devices(p.userId)).map(deviceView);
  }

  async removeDevice(p: Principal, id: string): Promise<void> {
    if (!(await this.repo.deleteDevice(p.userId, id))) throw NotificationsErrors.deviceNotFound();
  }

  async unregisterWebPush(p: Principal, endpoint: string): Promise<void> {
    let address: string;
    try {
      address = new URL(endpoint).toString();
    } catch {
      throw NotificationsErrors.deviceNotFound();
    }
    if (!(await this.repo.deleteDeviceByAddress(p.userId, 'web_push', address))) throw NotificationsErrors.deviceNotFound();
  }
}
