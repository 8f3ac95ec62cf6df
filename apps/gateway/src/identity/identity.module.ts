import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type IORedis from 'ioredis';
import { Clock } from '@kyso/common';
import { ApiKeyAuthenticator } from '../api-key.authenticator';
import { ApiKeyEntity } from '../api-key.entity';
import { ApiKeysRepository, ApiKeyStore, TypeOrmApiKeysRepository } from '../api-keys.repository';
import { GATEWAY_SETTINGS, GatewaySettings, REDIS } from '../gateway-core.module';
import { LoginThrottle } from '../limits/login-throttle';
import { ApiKeyAdmin, WEBHOOK_SECRET_BOX } from './api-key-admin';
import { SecretBox } from '../webhooks/secret-box';
import { Authenticator } from './authenticator';
import { ApiKeysController, AuthController, OperatorsController } from './identity.controllers';
import { Operators } from './operators';
import { OperatorsRepository, PgOperatorsRepository } from './operators.repository';
import { PgRefreshTokensRepository, RefreshTokensRepository } from './refresh-tokens.repository';
import { Sessions } from './sessions';
import { SigningKeys } from './signing-keys';
import { PgSigningKeysRepository, SigningKeysRepository } from './signing-keys.repository';

/** Who calls: operator accounts and sessions, system API keys, and the authenticator over both. */
@Module({
  imports: [TypeOrmModule.forFeature([ApiKeyEntity])],
  controllers: [AuthController, ApiKeysController, OperatorsController],
  providers: [
    { provide: OperatorsRepository, useClass: PgOperatorsRepository },
    { provide: RefreshTokensRepository, useClass: PgRefreshTokensRepository },
    { provide: SigningKeysRepository, useClass: PgSigningKeysRepository },
    { provide: ApiKeysRepository, useClass: TypeOrmApiKeysRepository },
    { provide: ApiKeyStore, useExisting: ApiKeysRepository },
    Operators,
    {
      provide: WEBHOOK_SECRET_BOX,
      inject: [GATEWAY_SETTINGS],
      useFactory: (s: GatewaySettings) => (s.config.webhookSecretKey ? new SecretBox(s.config.webhookSecretKey) : null),
    },
    ApiKeyAdmin,
    ApiKeyAuthenticator,
    {
      provide: SigningKeys,
      inject: [SigningKeysRepository, GATEWAY_SETTINGS],
      useFactory: (store: SigningKeysRepository, s: GatewaySettings) =>
        new SigningKeys(store, s.auth.signingKeyRotationSec, s.auth.accessTokenTtlSec),
    },
    {
      provide: Sessions,
      inject: [OperatorsRepository, RefreshTokensRepository, REDIS, Operators, SigningKeys, GATEWAY_SETTINGS, Clock],
      useFactory: (
        accounts: OperatorsRepository,
        refreshTokens: RefreshTokensRepository,
        redis: IORedis,
        operators: Operators,
        keys: SigningKeys,
        s: GatewaySettings,
        clock: Clock,
      ) => {
        const throttle = new LoginThrottle(
          redis,
          s.redisPrefix,
          {
            freeAttempts: s.auth.maxFailedLogins,
            baseDelaySec: s.auth.loginDelayBaseSec,
            maxDelaySec: s.auth.loginDelayMaxSec,
          },
          clock,
        );
        return new Sessions(accounts, refreshTokens, redis, operators, throttle, keys, s.auth, s.redisPrefix, clock);
      },
    },
    {
      provide: Authenticator,
      inject: [ApiKeyAuthenticator, Sessions],
      useFactory: (apiKeys: ApiKeyAuthenticator, sessions: Sessions) => new Authenticator(apiKeys, sessions),
    },
  ],
  exports: [Authenticator, Sessions, Operators, WEBHOOK_SECRET_BOX, ApiKeysRepository],
})
export class IdentityModule {}
