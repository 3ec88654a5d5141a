import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { randomInt } from 'node:crypto';

import { Public } from '../../common/decorators/public.decorator';
import { NoRateLimit } from '../../common/decorators/rate-limit.decorator';
import { validationFailed } from '../../common/errors/app-error';
import { AddEmulatorPersonDto, RegisterEmulatorClientDto, SetTokenSigningDto } from './dto/admin.dto';
import { EmulatorPerson } from './emulator-person';
import { EmulatorRegistry } from './emulator-registry.service';
import { EmulatorTokens } from './emulator-tokens.service';
import { EsiaEmulatorService } from './esia-emulator.service';
import { consentPage, EMULATOR_BASE_PATH, errorPage, loggedOutPage, loginPage } from './pages';
import { CollectionKind, collectionAllowed, collectionItem, collectionView, parseEmbed, personView } from './person-views';

/** Emulator pages may post forms and be redirected to any client (redirect_uri), so they get their own CSP. */
const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http: https:; base-uri 'none'; frame-ancestors 'none'";

function sendPage(res: Response, status: number, html: string): void {
  res.status(status).setHeader('Content-Security-Policy', PAGE_CSP);
  res.setHeader('Cache-Control', 'no-store');
  res.type('html').send(html);
}

const expiredPage = () => errorPage({ code: 'EMULATOR', description: 'Запрос на вход не найден или устарел. Начните вход заново.' });

/** ESIA's OAuth endpoints, login and consent pages, logout (docs/esia.md "Endpoints"). */
@ApiExcludeController()
@Public()
@NoRateLimit('development/test only (never loaded in production); our own ESIA client calls it')
@Controller(EMULATOR_BASE_PATH.slice(1))
export class EsiaEmulatorOAuthController {
  constructor(
    private readonly emulator: EsiaEmulatorService,
    private readonly registry: EmulatorRegistry,
    private readonly tokens: EmulatorTokens,
  ) {}

  @Get('aas/oauth2/v2/ac')
  async authorize(@Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const outcome = await this.emulator.authorize(query);
    if (outcome.kind === 'login') return res.redirect(302, `${EMULATOR_BASE_PATH}/login?req=${outcome.requestId}`);
    if (outcome.kind === 'redirect') return res.redirect(302, outcome.location);
    sendPage(res, 400, errorPage(outcome.error));
  }

  @Get('login')
  async loginPage(@Query('req') requestId: unknown, @Res() res: Response): Promise<void> {
    const pending = await this.emulator.pendingRequest(requestId);
    if (!pending) return sendPage(res, 400, expiredPage());
    sendPage(res, 200, loginPage(requestId as string, pending, await this.registry.persons()));
  }

  @Post('login')
  async choosePerson(@Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    if (!(await this.emulator.choosePerson(body.req, body.oid))) return sendPage(res, 400, expiredPage());
    res.redirect(302, `${EMULATOR_BASE_PATH}/consent?req=${encodeURIComponent(body.req as string)}`);
  }

  @Get('consent')
  async consentPage(@Query('req') requestId: unknown, @Res() res: Response): Promise<void> {
    const pending = await this.emulator.pendingRequest(requestId);
    const person = pending?.oid ? await this.registry.person(pending.oid) : null;
    if (!pending || !person) return sendPage(res, 400, expiredPage());
    sendPage(res, 200, consentPage(requestId as string, pending, person));
  }

  @Post('consent')
  async decide(@Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const location = await this.emulator.decide(body.req, body.decision === 'allow');
    if (!location) return sendPage(res, 400, expiredPage());
    res.redirect(302, location);
  }

  @Post('aas/oauth2/v3/te')
  async token(@Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const outcome = await this.emulator.token(body ?? {});
    res.status(outcome.status).setHeader('Cache-Control', 'no-store');
    res.json(outcome.body);
  }

  @Get('idp/ext/Logout')
  logout(@Query('client_id') clientId: unknown, @Query('redirect_url') redirectUrl: unknown, @Res() res: Response): void {
    if (typeof clientId !== 'string' || clientId === '') {
      return sendPage(
        res,
        400,
        errorPage({ code: 'ESIA-007014', description: 'ESIA-007014: Запрос не содержит обязательного параметра [client_id]' }),
      );
    }
    if (typeof redirectUrl === 'string' && /^https?:\/\//.test(redirectUrl)) return res.redirect(302, redirectUrl);
    sendPage(res, 200, loggedOutPage());
  }

  /** Non-ESIA extra: the emulator's current token-signing certificate (real ESIA ships certificates in esia.zip). */
  @Get('public/esia.pem')
  async certificate(@Res() res: Response): Promise<void> {
    res.type('application/x-pem-file').send(await this.tokens.tokenCertificatePem());
  }
}

const COLLECTIONS = new Set<CollectionKind>(['ctts', 'docs', 'kids', 'addrs', 'vhls', 'orgs']);

/** ESIA's person REST API (docs/esia.md "Person data"). */
@ApiExcludeController()
@Public()
@NoRateLimit('development/test only (never loaded in production); our own ESIA client calls it')
@Controller(`${EMULATOR_BASE_PATH.slice(1)}/rs/prns`)
export class EsiaEmulatorRestController {
  constructor(
    private readonly emulator: EsiaEmulatorService,
    private readonly registry: EmulatorRegistry,
  ) {}

  @Get(':oid')
  root(
    @Param('oid') oid: string,
    @Query('embed') embed: unknown,
    @Headers('authorization') auth: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    return this.serve(oid, auth, res, async (person, scopes, kids) => personView(baseOf(req), person, scopes, parseEmbed(embed), kids));
  }

  @Get(':oid/:collection')
  collection(
    @Param('oid') oid: string,
    @Param('collection') collection: string,
    @Query('embed') embed: unknown,
    @Headers('authorization') auth: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const kind = collection as CollectionKind;
    if (!COLLECTIONS.has(kind)) return void res.status(404).json({ error: 'not_found' });
    return this.serve(oid, auth, res, async (person, scopes, kids) =>
      collectionAllowed(kind, scopes)
        ? collectionView(baseOf(req), person, kind, scopes, kids, parseEmbed(embed).includes('elements'))
        : 403,
    );
  }

  @Get(':oid/:collection/:id')
  item(
    @Param('oid') oid: string,
    @Param('collection') collection: string,
    @Param('id') id: string,
    @Headers('authorization') auth: unknown,
    @Res() res: Response,
  ) {
    const kind = collection as CollectionKind;
    if (!COLLECTIONS.has(kind)) return void res.status(404).json({ error: 'not_found' });
    return this.serve(oid, auth, res, async (person, scopes, kids) =>
      collectionAllowed(kind, scopes) ? (collectionItem(person, kind, scopes, kids, id) ?? 404) : 403,
    );
  }

  private async serve(
    oid: string,
    auth: unknown,
    res: Response,
    render: (person: EmulatorPerson, scopes: string[], kids: Map<string, EmulatorPerson>) => Promise<Record<string, unknown> | 403 | 404>,
  ): Promise<void> {
    const check = await this.emulator.authorizeRest(auth, oid);
    if (!check.ok) {
      if (check.status === 401) res.setHeader('WWW-Authenticate', `Bearer error="${check.error}"`);
      return void res.status(check.status).json({ error: check.error });
    }
    const person = await this.registry.person(oid);
    if (!person) return void res.status(404).json({ error: 'not_found' });
    const kids = new Map<string, EmulatorPerson>();
    for (const kidOid of person.kids) {
      const kid = await this.registry.person(kidOid);
      if (kid) kids.set(kidOid, kid);
    }
    const body = await render(person, check.scopes, kids);
    if (body === 403) return void res.status(403).json({ error: 'insufficient_scope' });
    if (body === 404) return void res.status(404).json({ error: 'not_found' });
    res.json(body);
  }
}

/** Test helpers (not ESIA): add persons and client systems. Exists only while the emulator runs (never in production). */
@ApiExcludeController()
@Public()
@NoRateLimit('development/test only (never loaded in production); our own ESIA client calls it')
@Controller(`${EMULATOR_BASE_PATH.slice(1)}/admin`)
export class EsiaEmulatorAdminController {
  constructor(
    private readonly registry: EmulatorRegistry,
    private readonly tokens: EmulatorTokens,
  ) {}

  @Post('persons')
  @HttpCode(201)
  async addPerson(@Body() dto: AddEmulatorPersonDto): Promise<{ oid: string }> {
    const oid = dto.oid ?? String(randomInt(2_000_000_000, 2_999_999_999));
    const birthDate = dto.birthDate && /^\d{4}-/.test(dto.birthDate) ? dto.birthDate.split('-').reverse().join('.') : dto.birthDate;
    const level = dto.level;
    if (level === 'standard' && !dto.snils)
      throw validationFailed([{ field: 'snils', code: 'isDefined', message: 'Для стандартной учётной записи нужен СНИЛС' }]);
    const passport = (vrfStu: 'VERIFIED' | 'NOT_VERIFIED') => ({
      id: Number(oid.slice(-6)) + 500000,
      type: 'RF_PASSPORT',
      vrfStu,
      series: '4500',
      number: oid.slice(-6),
    });
    const documents = dto.documents ?? (level === 'confirmed' || level === 'standard' ? [passport('VERIFIED')] : []);
    const person: EmulatorPerson = {
      oid,
      lastName: dto.lastName,
      firstName: dto.firstName,
      middleName: dto.middleName || undefined,
      birthDate,
      gender: dto.gender,
      snils: dto.snils,
      trusted: dto.trusted ?? level === 'confirmed',
      documents: documents.map((d) => ({ ...d })),
      contacts: (dto.contacts ?? []).map((c) => ({ ...c })),
      kids: dto.kids ?? [],
      note: dto.note,
    };
    return { oid: await this.registry.addPerson(person) };
  }

  @Post('clients')
  @HttpCode(201)
  async registerClient(@Body() dto: RegisterEmulatorClientDto): Promise<{ clientId: string }> {
    try {
      await this.registry.registerClient({
        clientId: dto.clientId,
        certificatePems: dto.certificatePems,
        redirectUris: dto.redirectUris,
        grantedScopes: dto.grantedScopes,
      });
    } catch {
      throw validationFailed([
        { field: 'certificatePems', code: 'isCertificate', message: 'Ожидается PEM-сертификат ГОСТ и известные области доступа' },
      ]);
    }
    return { clientId: dto.clientId };
  }

  /** Which algorithm and key tokens are signed with from now on (ESIA's tech-portal setting; a certificate rotation). */
  @Put('token-signing')
  async setTokenSigning(@Body() dto: SetTokenSigningDto): Promise<{ alg: string; certPath: string }> {
    try {
      const s = await this.tokens.setTokenSigning(dto.alg, dto.keyPath, dto.certPath);
      return { alg: s.alg, certPath: s.certPath };
    } catch (e) {
      throw validationFailed([
        { field: 'keyPath', code: 'isKeyPair', message: `Ключ и сертификат не подходят: ${e instanceof Error ? e.message : String(e)}` },
      ]);
    }
  }
}

function baseOf(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}${EMULATOR_BASE_PATH}`;
}
