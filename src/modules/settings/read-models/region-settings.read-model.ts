/**
 * Read model of the settings module: regions with their sign-in settings. Besides the module's own
 * `region_auth_settings` it reads `regions` (schools module; time zone, code and name) and never writes it.
 * Why a join and not the schools module's service: the sign-in decision runs at every login, one query for the
 * region's time zone and its settings together; the public list of ESIA regions is a page of the join, filtered and
 * ordered by name in SQL.
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** A region's time zone and its sign-in settings (all null when it has none). */
export interface RegionSignInRow {
  timezone: string;
  esia_enabled: boolean | null;
  transition_starts_at: Date | null;
  transition_ends_at: Date | null;
  staff_password_login: boolean | null;
  admin_mfa_required: boolean | null;
}

@Injectable()
export class RegionSettingsReadModel {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async signInRow(regionId: string): Promise<RegionSignInRow | undefined> {
    const rows: RegionSignInRow[] = await this.db.query(
      `SELECT r.timezone, s.esia_enabled, s.transition_starts_at, s.transition_ends_at, s.staff_password_login, s.admin_mfa_required
           FROM regions r LEFT JOIN region_auth_settings s ON s.region_id = r.id
          WHERE r.id = $1`,
      [regionId],
    );
    return rows[0];
  }

  /** A page of the regions where ESIA sign-in is open at `now`, by name; with the total. */
  async esiaRegions(
    now: Date,
    limit: number,
    offset: number,
  ): Promise<{ rows: Array<{ id: string; code: string; name: string; transition_ends_at: Date | null }>; total: number }> {
    const where = `s.esia_enabled AND (s.transition_starts_at IS NULL OR s.transition_starts_at <= $1)`;
    const [rows, [{ total }]] = await Promise.all([
      this.db.query(
        `SELECT r.id, r.code, r.name, s.transition_ends_at
           FROM region_auth_settings s JOIN regions r ON r.id = s.region_id
          WHERE ${where}
          ORDER BY r.name, r.id
          LIMIT $2 OFFSET $3`,
        [now, limit, offset],
      ) as Promise<Array<{ id: string; code: string; name: string; transition_ends_at: Date | null }>>,
      this.db.query(`SELECT count(*)::int AS total FROM region_auth_settings s WHERE ${where}`, [now]) as Promise<Array<{ total: number }>>,
    ]);
    return { rows, total };
  }
}
