import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RolesGuard } from '../../common/guards/roles.guard';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { EventsModule } from '../events/events.module';
import { EsiaLinksModule } from '../esia-links/esia-links.module';
import { SettingsModule } from '../settings/settings.module';
import { UsersModule } from '../users/users.module';
import { AccessTokenGuard } from './access-token.guard';
import { SecurityAlertsService } from './alerts/security-alerts.service';
import { accessTokenKey, AccessTokenVerifier } from './access-token.verifier';
import { AdminLoginHistoryController, AuthController, MyLoginHistoryController } from './auth.controller';
import { AuthService } from './auth.service';
import { LoginAttempt } from './entities/login-attempt.entity';
import { Session } from './entities/session.entity';
import { LoginHistoryService } from './login-history.service';
import { MePasswordController } from './me-password.controller';
import { MePasswordService } from './me-password.service';
import { MfaAudit } from './mfa/entities/mfa-audit.entity';
import { MfaRecoveryCode } from './mfa/entities/mfa-recovery-code.entity';
import { UserMfa } from './mfa/entities/user-mfa.entity';
import { MfaChallengeStore } from './mfa/mfa-challenge.store';
import { AdminMfaController, MfaSignInController, MyMfaController } from './mfa/mfa.controller';
import { MfaGate } from './mfa/mfa-gate';
import { MfaRepository } from './mfa/mfa.repository';
import { MfaService } from './mfa/mfa.service';
import { MfaSignInService } from './mfa/mfa-sign-in.service';
import { SessionCheck } from './session-check';
import { AccessTokenStrategy } from './strategies/access-token.strategy';
import { LocalStrategy } from './strategies/local.strategy';
import { SessionStateReadModel } from './read-models/session-state.read-model';
import { SessionsService } from './sessions.service';
import { TokenService } from './token.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([Session, LoginAttempt, UserMfa, MfaRecoveryCode, MfaAudit]),
    // Signs access tokens at login and refresh; AccessTokenVerifier checks them on every request.
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        privateKey: accessTokenKey(config.jwtSecret),
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
    UsersModule,
    // read-only here: the region's sign-in policy and "has this user an ESIA link?" (no cycle: neither depends on auth)
    SettingsModule,
    EsiaLinksModule,
    // security alerts (lockout, new device, second factor reset) go out through the outbox
    EventsModule,
  ],
  controllers: [
    AuthController,
    MyLoginHistoryController,
    AdminLoginHistoryController,
    MfaSignInController,
    MyMfaController,
    AdminMfaController,
    MePasswordController,
  ],
  providers: [
    AuthService,
    SessionsService,
    SessionCheck,
    SessionStateReadModel,
    TokenService,
    LoginHistoryService,
    MePasswordService,
    SecurityAlertsService,
    // two-factor sign-in (docs/security.md "Two-factor sign-in and alerts")
    MfaRepository,
    MfaService,
    MfaChallengeStore,
    MfaGate,
    MfaSignInService,
    {
      provide: AccessTokenVerifier,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new AccessTokenVerifier(accessTokenKey(config.jwtSecret)),
    },
    AccessTokenStrategy,
    LocalStrategy,
    // Order matters: authenticate first, then check roles.
    { provide: APP_GUARD, useClass: AccessTokenGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
  exports: [AuthService, SessionsService, SessionCheck, LoginHistoryService],
})
export class AuthModule {}
