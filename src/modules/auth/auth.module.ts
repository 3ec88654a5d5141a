import { Module } from '@nestjs/common';
import { createSecretKey } from 'node:crypto';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JwtAuthGuard } from '../../common/guards/jwt-auth.guard';
import { RolesGuard } from '../../common/guards/roles.guard';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { EsiaLinksModule } from '../linking/esia-links.module';
import { SettingsModule } from '../settings/settings.module';
import { UsersModule } from '../users/users.module';
import { AdminLoginHistoryController, AuthController, MyLoginHistoryController } from './auth.controller';
import { AuthService } from './auth.service';
import { LoginAttempt } from './entities/login-attempt.entity';
import { Session } from './entities/session.entity';
import { LoginHistoryService } from './login-history.service';
import { LoginRateLimiter } from './login-rate-limiter';
import { SessionsService } from './sessions.service';
import { JwtStrategy } from './strategies/jwt.strategy';
import { TokenService } from './token.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([Session, LoginAttempt]),
    PassportModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      // A KeyObject rather than the string, so jsonwebtoken does not try to parse it as a PEM key on every sign.
      useFactory: (config: AppConfig) => ({
        privateKey: createSecretKey(Buffer.from(config.jwtSecret, 'utf8')),
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
    LoginRateLimiter,
    JwtStrategy,
    // Order matters: authenticate first, then check roles.
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
  exports: [AuthService, SessionsService, LoginHistoryService],
})
export class AuthModule {}
