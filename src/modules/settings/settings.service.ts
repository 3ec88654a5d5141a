import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { Principal } from '../../common/auth/principal';
import { Role } from '../../common/auth/role';
import { validationFailed } from '../../common/errors/app-error';
import { Page, page, PageQueryDto } from '../../common/pagination/page';
import { IDENTITY_PROVIDER, IdentityProvider } from '../esia/identity-provider';
import { SchoolsService } from '../schools/schools.service';
import { AuthSettingsView, ConnectionTestView, EsiaRegionView, PutAuthSettingsDto } from './dto/settings.dto';
import { RegionAuthSettings } from './entities/region-auth-settings.entity';
import { authPhase, DEFAULT_REGION_AUTH_POLICY, RegionAuthPolicy, signInOptions, SignInOptions } from './sign-in-options';

export const DEFAULT_TIMEZONE = 'Europe/Moscow';

/** What sign-in decisions need about a user's region. */
export interface RegionSignInContext {
  options: SignInOptions;
  /** IANA time zone of the region (for "the day of login"); Moscow without a region. */
  timezone: string;
  /** School and region admins of the region must sign in with a second factor. */
  adminMfaRequired: boolean;
}

/** Region sign-in settings (ESIA, transition period, staff exception) and the decisions they drive. */
@Injectable()
export class SettingsService {
  private readonly logger = new Logger('Settings');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(RegionAuthSettings) private readonly settings: Repository<RegionAuthSettings>,
    private readonly schools: SchoolsService,
    @Inject(IDENTITY_PROVIDER) private readonly identityProvider: IdentityProvider,
  ) {}

  // ---- decisions (called by auth and linking) -----------------------------------------------

  /** The sign-in ways open to a user (their region and roles) at `now`, and the region's time zone. */
  async signInContext(user: { regionId: string | null; roles: Role[] }, now = new Date()): Promise<RegionSignInContext> {
    if (!user.regionId) return { options: signInOptions(null, user.roles, now), timezone: DEFAULT_TIMEZONE, adminMfaRequired: false };
    const rows: Array<{
      timezone: string;
      esia_enabled: boolean | null;
      transition_starts_at: Date | null;
      transition_ends_at: Date | null;
      staff_password_login: boolean | null;
      admin_mfa_required: boolean | null;
    }> = await this.db.query(
      `SELECT r.timezone, s.esia_enabled, s.transition_starts_at, s.transition_ends_at, s.staff_password_login, s.admin_mfa_required
           FROM regions r LEFT JOIN region_auth_settings s ON s.region_id = r.id
          WHERE r.id = $1`,
      [user.regionId],
    );
    const row = rows[0];
    const policy: RegionAuthPolicy | null =
      row && row.esia_enabled !== null
        ? {
            esiaEnabled: row.esia_enabled,
            transitionStartsAt: row.transition_starts_at,
            transitionEndsAt: row.transition_ends_at,
            staffPasswordLogin: row.staff_password_login ?? false,
          }
        : null;
    return {
      options: signInOptions(policy, user.roles, now),
      timezone: row?.timezone ?? DEFAULT_TIMEZONE,
      adminMfaRequired: row?.admin_mfa_required ?? false,
    };
  }

  // ---- administration ------------------------------------------------------------------------

  async get(p: Principal, regionId: string): Promise<AuthSettingsView> {
    await this.schools.regionInScope(p, regionId, true);
    const row = await this.settings.findOneBy({ regionId });
    return toView(regionId, row);
  }

  async put(p: Principal, regionId: string, dto: PutAuthSettingsDto): Promise<AuthSettingsView> {
    await this.schools.regionInScope(p, regionId, true);
    const startsAt = dto.transitionStartsAt === null ? null : new Date(dto.transitionStartsAt);
    const endsAt = dto.transitionEndsAt === null ? null : new Date(dto.transitionEndsAt);
    if (startsAt && endsAt && endsAt.getTime() <= startsAt.getTime()) {
      throw validationFailed([
        { field: 'transitionEndsAt', code: 'endsAfterStarts', message: 'Конец переходного периода должен быть позже его начала' },
      ]);
    }
    // adminMfaRequired may be omitted (clients from before it existed): the stored value stays.
    const adminMfaRequired = dto.adminMfaRequired ?? (await this.settings.findOneBy({ regionId }))?.adminMfaRequired ?? false;
    await this.settings.upsert(
      {
        regionId,
        esiaEnabled: dto.esiaEnabled,
        transitionStartsAt: startsAt,
        transitionEndsAt: endsAt,
        staffPasswordLogin: dto.staffPasswordLogin,
        adminMfaRequired,
        updatedBy: p.userId,
      },
      { conflictPaths: ['regionId'] },
    );
    this.logger.log({ regionId, by: p.userId, esiaEnabled: dto.esiaEnabled, adminMfaRequired }, 'Region sign-in settings changed');
    return toView(regionId, await this.settings.findOneBy({ regionId }));
  }

  /** Regions where "Войти через Госуслуги" works now (public: the login page needs it). */
  async esiaRegions(q: PageQueryDto, now = new Date()): Promise<Page<EsiaRegionView>> {
    const where = `s.esia_enabled AND (s.transition_starts_at IS NULL OR s.transition_starts_at <= $1)`;
    const [rows, [{ total }]] = await Promise.all([
      this.db.query(
        `SELECT r.id, r.code, r.name, s.transition_ends_at
           FROM region_auth_settings s JOIN regions r ON r.id = s.region_id
          WHERE ${where}
          ORDER BY r.name, r.id
          LIMIT $2 OFFSET $3`,
        [now, q.limit, q.offset],
      ) as Promise<Array<{ id: string; code: string; name: string; transition_ends_at: Date | null }>>,
      this.db.query(`SELECT count(*)::int AS total FROM region_auth_settings s WHERE ${where}`, [now]) as Promise<Array<{ total: number }>>,
    ]);
    const items = rows.map((r) => {
      const open = !r.transition_ends_at || r.transition_ends_at.getTime() > now.getTime();
      return {
        id: r.id,
        code: r.code,
        name: r.name,
        phase: open ? 'transition' : 'esia_only',
        passwordLoginOpen: open,
        transitionEndsAt: r.transition_ends_at?.toISOString() ?? null,
      };
    });
    return page(items, total, q);
  }

  /** Runs the identity provider's connection test; says which step failed first. */
  async testConnection(p: Principal): Promise<ConnectionTestView> {
    const report = await this.identityProvider.testConnection();
    const failed = report.steps.find((s) => !s.ok);
    this.logger.log({ by: p.userId, ok: report.ok, failedStep: failed?.step ?? null, esiaCode: failed?.esiaCode }, 'ESIA connection test');
    return { ok: report.ok, failedStep: failed?.step ?? null, steps: report.steps };
  }
}

function toView(regionId: string, row: RegionAuthSettings | null): AuthSettingsView {
  const policy: RegionAuthPolicy = row ?? DEFAULT_REGION_AUTH_POLICY;
  return {
    regionId,
    esiaEnabled: policy.esiaEnabled,
    transitionStartsAt: policy.transitionStartsAt?.toISOString() ?? null,
    transitionEndsAt: policy.transitionEndsAt?.toISOString() ?? null,
    staffPasswordLogin: policy.staffPasswordLogin,
    adminMfaRequired: row?.adminMfaRequired ?? false,
    phase: authPhase(policy, new Date()),
    updatedAt: row?.updatedAt.toISOString() ?? null,
  };
}
