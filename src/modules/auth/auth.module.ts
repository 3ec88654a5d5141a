import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RolesGuard } from '../../common/guards/roles.guard';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { EsiaLinksModule } from '../linking/esia-links.module';
import { SettingsModule } from '../settings/settings.module';
import { UsersModule } from '../users/users.module';
import { AccessTokenGuard } from './access-token.guard';
import { accessTokenKey, AccessTokenVerifier } from './access-token.verifier';
import { AdminLoginHistoryController, AuthController, MyLoginHistoryController } from './auth.controller';
import { AuthService } from './auth.service';
import { LoginAttempt } from './entities/login-attempt.entity';
import { Session } from './entities/session.entity';
import { LoginHistoryService } from './login-history.service';
import { SessionsService } from './sessions.service';
import { TokenService } from './token.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([Session, LoginAttempt]),
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
  ],
  controllers: [AuthController, MyLoginHistoryController, AdminLoginHistoryController],
  providers: [
    AuthService,
    SessionsService,
    TokenService,
    LoginHistoryService,
    { provide: AccessTokenVerifier, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new AccessTokenVerifier(accessTokenKey(config.jwtSecret)) },
    // Order matters: authenticate first, then check roles.
    { provide: APP_GUARD, useClass: AccessTokenGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
  exports: [AuthService, SessionsService, LoginHistoryService],
})
export class AuthModule {}
