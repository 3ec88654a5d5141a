import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface DeviceRow {
  id: string;
  user_id: string;
  kind: string;
  address: string;
  p256dh: string | null;
  auth: string | null;
  platform: string | null;
  created_at: Date;
  last_success_at: Date | null;
}

export interface NewDevice {
  userId: string;
  kind: string;
  address: string;
  p256dh: string | null;
  auth: string | null;
  platform: string | null;
}

/** SQL of `push_devices`: the Web Push subscriptions and mobile tokens of each user. */
@Injectable()
export class PushDevicesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Registers a device for its user, or refreshes the user's own row (new keys, platform). Never moves
   * a row of another user: then nothing is written and null is returned (see `takeOverDevice`).
   */
  async upsertOwnDevice(d: NewDevice): Promise<DeviceRow | null> {
    const rows: DeviceRow[] = await this.db.query(
      `INSERT INTO push_devices (user_id, kind, address, p256dh, auth, platform) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (kind, address) DO UPDATE SET p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth, platform = EXCLUDED.platform
         WHERE push_devices.user_id = EXCLUDED.user_id
       RETURNING *`,
      [d.userId, d.kind, d.address, d.p256dh, d.auth, d.platform],
    );
    return rows[0] ?? null;
  }

  /**
   * A confirmed move of a device to another user: the old owner's row is removed (with its pending
   * pushes) and a new row is made for the new user, in one transaction.
   */
  async takeOverDevice(d: NewDevice): Promise<DeviceRow> {
    return this.db.transaction(async (tx) => {
      await tx.query('DELETE FROM push_devices WHERE kind = $1 AND address = $2', [d.kind, d.address]);
      const [row] = await tx.query(
        'INSERT INTO push_devices (user_id, kind, address, p256dh, auth, platform) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *',
        [d.userId, d.kind, d.address, d.p256dh, d.auth, d.platform],
      );
      return row as DeviceRow;
    });
  }

  /** Who holds a push address now (null: nobody). */
  async deviceOwner(kind: string, address: string): Promise<string | null> {
    const rows: Array<{ user_id: string }> = await this.db.query('SELECT user_id FROM push_devices WHERE kind = $1 AND address = $2', [
      kind,
      address,
    ]);
    return rows[0]?.user_id ?? null;
  }

  async countDevices(userId: string): Promise<number> {
    const [r] = await this.db.query('SELECT count(*)::int AS n FROM push_devices WHERE user_id = $1', [userId]);
    return r.n;
  }

  async devices(userId: string): Promise<DeviceRow[]> {
    return this.db.query('SELECT * FROM push_devices WHERE user_id = $1 ORDER BY created_at DESC LIMIT 100', [userId]);
  }

  async deleteDevice(userId: string, id: string): Promise<boolean> {
    const [, n] = await this.db.query('DELETE FROM push_devices WHERE id = $1 AND user_id = $2', [id, userId]);
    return Number(n) > 0;
  }

  /** Removes the device at an address: the user's only, or whoever's with userId null (the push service says it is gone). */
  async deleteDeviceByAddress(userId: string | null, kind: string, address: string): Promise<boolean> {
    const [, n] = await this.db.query('DELETE FROM push_devices WHERE kind = $1 AND address = $2 AND ($3::uuid IS NULL OR user_id = $3)', [
      kind,
      address,
      userId,
    ]);
    return Number(n) > 0;
  }

  /** The push service said the subscription is gone (404/410): forget the device and its pending pushes. */
  async removeGoneDevice(id: string): Promise<void> {
    await this.db.query('DELETE FROM push_devices WHERE id = $1', [id]);
  }
}
