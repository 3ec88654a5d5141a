import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Principal } from '../../common/auth/principal';
import { Role } from '../../common/auth/role';
import { validationFailed } from '../../common/errors/app-error';
import { Page, page, PageQueryDto } from '../../common/pagination/page';
import { IDENTITY_PROVIDER, IdentityProvider } from '../esia/identity-provider';
import { SchoolsService } from '../schools/schools.service';
import { AuthSettingsView, ConnectionTestView, EsiaRegionView, PutAuthSettingsDto } from './dto/settings.dto';
import { RegionAuthSettings } from './entities/region-auth-settings.entity';
import { RegionSettingsReadModel } from './read-models/region-settings.read-model';
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
    @InjectRepository(RegionAuthSettings) private readonly settings: Repository<RegionAuthSettings>,
    private readonly regions: RegionSettingsReadModel,
    private readonly schools: SchoolsService,
    @Inject(IDENTITY_PROVIDER) private readonly identityProvider: IdentityProvider,
  ) {}

  // ---- decisions (called by auth and linking) -----------------------------------------------

  /** The sign-in ways open to a user (their region and roles) at `now`, and the region's time zone. */
  async signInContext(user: { regionId: string | null; roles: Role[] }, now = new Date()): Promise<RegionSignInContext> {
    if (!user.regionId) return { options: signInOptions(null, user.roles, now), timezone: DEFAULT_TIMEZONE, adminMfaRequired: false };
    const row = await this.regions.signInRow(user.regionId);
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
    const { rows, total } = await this.regions.esiaRegions(now, q.limit, q.offset);
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
