import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface PreferenceRow {
  user_id: string;
  channels: Record<string, string>;
  daily_digest: boolean;
}

/** SQL of `notification_preferences`: a user's channel per kind and the daily digest option. */
@Injectable()
export class NotificationPreferencesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async preferences(userIds: string[]): Promise<Map<string, PreferenceRow>> {
    if (userIds.length === 0) return new Map();
    const rows: PreferenceRow[] = await this.db.query(
      'SELECT user_id, channels, daily_digest FROM notification_preferences WHERE user_id = ANY($1::uuid[])',
      [userIds],
    );
    return new Map(rows.map((r) => [r.user_id, r]));
  }

  async savePreferences(userId: string, channels: Record<string, string>, dailyDigest: boolean | null): Promise<void> {
    await this.db.query(
      `INSERT INTO notification_preferences (user_id, channels, daily_digest) VALUES ($1, $2::jsonb, COALESCE($3, false))
       ON CONFLICT (user_id) DO UPDATE SET channels = notification_preferences.channels || $2::jsonb,
         daily_digest = COALESCE($3, notification_preferences.daily_digest), updated_at = now()`,
      [userId, JSON.stringify(channels), dailyDigest],
    );
  }

  async digestUsers(): Promise<string[]> {
    const rows: Array<{ user_id: string }> = await this.db.query(
      'SELECT user_id FROM notification_preferences WHERE daily_digest ORDER BY user_id',
    );
    return rows.map((r) => r.user_id);
  }
}
