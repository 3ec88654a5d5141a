import { Injectable } from '@nestjs/common';
import { Principal } from '../../common/auth/principal';
import { PreferencesView, UpdatePreferencesDto } from './dto/notifications.dto';
import { Channel, CHANNELS, DEFAULT_CHANNEL, NOTIFICATION_KINDS } from './notification-kinds';
import { NotificationPreferencesRepository } from './preferences.repository';

/** The user's channel per kind (in_app | push | off) and the daily digest option. */
@Injectable()
export class NotificationPreferencesService {
  constructor(private readonly repo: NotificationPreferencesRepository) {}

  async preferences(p: Principal): Promise<PreferencesView> {
    const row = (await this.repo.preferences([p.userId])).get(p.userId);
    const channels = Object.fromEntries(
      NOTIFICATION_KINDS.map((k) => [
        k,
        (CHANNELS as readonly string[]).includes(row?.channels?.[k] ?? '') ? (row!.channels[k] as Channel) : DEFAULT_CHANNEL,
      ]),
    ) as Record<string, Channel>;
    return { channels, dailyDigest: row?.daily_digest ?? false };
  }

  async updatePreferences(p: Principal, dto: UpdatePreferencesDto): Promise<PreferencesView> {
    const channels: Record<string, string> = {};
    for (const k of NOTIFICATION_KINDS) {
      const v = (dto.channels as Record<string, string | undefined> | undefined)?.[k];
      if (v !== undefined) channels[k] = v;
    }
    await this.repo.savePreferences(p.userId, channels, dto.dailyDigest ?? null);
    return this.preferences(p);
  }
}
