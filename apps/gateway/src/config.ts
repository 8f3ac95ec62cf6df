import { isIP } from 'node:net';
import type { DestinationStream } from 'pino';
import {
  type Clock,
  commonConfig,
  CommonConfig,
  ConfigError,
  DEFAULT_MAX_SIGN_PDF_BYTES,
  int,
  servicePort,
  serviceUrl,
  str,
  WebhookSettings,
  webhookSettingsFromEnv,
} from '@kyso/common';
import { SecretBox } from './webhooks/secret-box';

/** Routes with a body, each with its own size limit. */
export type BodyRoute = 'signaturesPdf' | 'validationsPdf';

/** Operator sign-in and tokens. */
export interface AuthSettings {
  accessTokenTtlSec: number;
  refreshTokenTtlSec: number;
  /** A token-signing key signs for this long, then a new one takes over. */
  signingKeyRotationSec: number;
  /** Wrong passwords per username and client address before sign-in is slowed down... */
  maxFailedLogins: number;
  /** ...by this delay, doubled at each further wrong password... */
  loginDelayBaseSec: number;
  /** ...up to this (the account is never locked: an admin can clear the delays). */
  loginDelayMaxSec: number;
}

/** Limits that hold across gateway instances (state in Redis). */
export interface LimitSettings {
  /** Requests per minute per API key / per operator. */
  systemPerMinute: number;
  operatorPerMinute: number;
  /** Login attempts per minute per client address (before any password is checked). */
  loginPerMinute: number;
  /** Unauthenticated requests (refresh, login, failed authentication) per minute per client address. */
  publicPerMinute: number;
  /** Uploads from the public verification page per minute per client address (besides publicPerMinute). */
  publicValidationsPerMinute: number;
  /** Longest a whole request may take, upstream call included. */
  requestTimeoutMs: number;
  idempotencyTtlSec: number;
  /** Responses larger than this are not kept for replay (the key is released instead). */
  idempotencyMaxBodyBytes: number;
}

export interface GatewayConfig extends CommonConfig {
  port: number;
  signerUrl: string;
  verifierUrl: string;
  registryUrl: string;
  /** Largest request body per route, in bytes. */
  /** `signatureBatches` (KYSO_GATEWAY_BATCH_MAX_BYTES): the whole batch form; default twice the single-PDF limit and 1 MiB. */
  bodyLimits: Record<BodyRoute, number> & { signatureBatches?: number };
  /** Longest a proxied call may take (a validation may wait up to 60 s). */
  upstreamTimeoutMs: number;
  auth?: Partial<AuthSettings>;
  limits?: Partial<LimitSettings>;
  /** Browser origins allowed by CORS; none by default (closed). */
  corsOrigins?: string[];
  /** Bearer token for GET /metrics; without one, only loopback clients may read it. */
  metricsToken?: string;
  /**
   * Reverse proxies (addresses or CIDRs) whose `X-Forwarded-For` names the client; none by default,
   * so the client is the connection's address and a forged header changes nothing.
   */
  trustedProxies?: string[];
  /** Redis key prefix (tests isolate themselves with it). */
  redisPrefix?: string;
  /**
   * Plain multipart uploads to sign or validate skip Express and Nest (lean-uploads.ts); on unless
   * false. Not from the environment: tests turn it off to compare both paths' answers.
   */
  leanUploads?: boolean;
  /**
   * 32 bytes, base64, sealing the webhook secrets at rest (KYSO_WEBHOOK_SECRET_KEY). Without it new
   * keys get no webhook secret, callbacks are refused (422) and no deliveries run.
   */
  webhookSecretKey?: string;
  /** The `webhooks` queue the gateway delivers from (absent: no delivery worker in this process). */
  webhooks?: WebhookSettings;
  /** Where JSON log lines go (stdout by default; tests read them). */
  logDestination?: DestinationStream;
  /** Test harnesses only: the gateway's "now" (tokens, sign-in delays, rate-limit windows). Default the system clock. */
  clock?: Clock;
}

export const DEFAULT_AUTH: AuthSettings = {
  accessTokenTtlSec: 900,
  refreshTokenTtlSec: 14 * 24 * 3600,
  signingKeyRotationSec: 24 * 3600,
  maxFailedLogins: 5,
  loginDelayBaseSec: 2,
  loginDelayMaxSec: 900,
};

export const DEFAULT_LIMITS: LimitSettings = {
  systemPerMinute: 600,
  operatorPerMinute: 300,
  loginPerMinute: 20,
  publicPerMinute: 120,
  publicValidationsPerMinute: 10,
  requestTimeoutMs: 120_000,
  idempotencyTtlSec: 24 * 3600,
  idempotencyMaxBodyBytes: 30 * 1024 * 1024,
};

const MB = 1024 * 1024;

export function gatewayConfigFromEnv(): GatewayConfig {
  const defaultLimit = int('KYSO_GATEWAY_MAX_BODY_BYTES', 25 * MB, 1);
  const upstreamTimeoutMs = int('KYSO_GATEWAY_UPSTREAM_TIMEOUT_MS', 90_000, 1_000);
  const requestTimeoutMs = int(
    'KYSO_GATEWAY_REQUEST_TIMEOUT_MS',
    Math.max(DEFAULT_LIMITS.requestTimeoutMs, upstreamTimeoutMs + 5_000),
    1_000,
  );
  if (requestTimeoutMs <= upstreamTimeoutMs)
    throw new ConfigError('KYSO_GATEWAY_REQUEST_TIMEOUT_MS must exceed KYSO_GATEWAY_UPSTREAM_TIMEOUT_MS');
  const metricsToken = str('KYSO_GATEWAY_METRICS_TOKEN', '') || undefined;
  if (metricsToken && metricsToken.length < 16)
    throw new ConfigError('KYSO_GATEWAY_METRICS_TOKEN must be at least 16 characters');
  const corsOrigins = str('KYSO_GATEWAY_CORS_ORIGINS', '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const o of corsOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(o))
      throw new ConfigError(`KYSO_GATEWAY_CORS_ORIGINS: "${o}" is not an origin (scheme://host[:port])`);
  }
  const trustedProxies = str('KYSO_GATEWAY_TRUSTED_PROXIES', '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const p of trustedProxies) {
    const [addr, bits, extra] = p.split('/');
    const v = isIP(addr);
    const max = v === 4 ? 32 : 128;
    if (!v || extra !== undefined || (bits !== undefined && !(/^\d{1,3}$/.test(bits) && Number(bits) <= max)))
      throw new ConfigError(`KYSO_GATEWAY_TRUSTED_PROXIES: "${p}" is not an address or CIDR`);
  }
  const signLimit = int('KYSO_GATEWAY_SIGN_MAX_BYTES', DEFAULT_MAX_SIGN_PDF_BYTES, 1);
  const webhookSecretKey = str('KYSO_WEBHOOK_SECRET_KEY', '') || undefined;
  try {
    if (webhookSecretKey) new SecretBox(webhookSecretKey);
  } catch (e) {
    throw new ConfigError(`KYSO_WEBHOOK_SECRET_KEY: ${(e as Error).message}`);
  }
  const common = commonConfig();
  return {
    ...common,
    webhookSecretKey,
    webhooks: webhookSettingsFromEnv(common.redisUrl),
    port: servicePort('gateway'),
    signerUrl: serviceUrl('signer'),
    verifierUrl: serviceUrl('verifier'),
    registryUrl: serviceUrl('registry'),
    bodyLimits: {
      // Signing takes big documents (issue 12.6); the signer streams them through a temporary file.
      signaturesPdf: signLimit,
      validationsPdf: int('KYSO_GATEWAY_VALIDATE_MAX_BYTES', defaultLimit, 1),
      // The signer's own default (KYSO_SIGNER_BATCH_MAX_BYTES, 200 MiB) and the form around it.
      signatureBatches: int('KYSO_GATEWAY_BATCH_MAX_BYTES', 2 * signLimit + 1024 * 1024, 1),
    },
    upstreamTimeoutMs,
    auth: {
      accessTokenTtlSec: int('KYSO_GATEWAY_ACCESS_TOKEN_TTL_SEC', DEFAULT_AUTH.accessTokenTtlSec, 60, 3600),
      refreshTokenTtlSec: int('KYSO_GATEWAY_REFRESH_TOKEN_TTL_SEC', DEFAULT_AUTH.refreshTokenTtlSec, 300),
      signingKeyRotationSec: int('KYSO_GATEWAY_SIGNING_KEY_ROTATION_SEC', DEFAULT_AUTH.signingKeyRotationSec, 300),
      maxFailedLogins: int('KYSO_GATEWAY_MAX_FAILED_LOGINS', DEFAULT_AUTH.maxFailedLogins, 1, 100),
      loginDelayBaseSec: int('KYSO_GATEWAY_LOGIN_DELAY_BASE_SEC', DEFAULT_AUTH.loginDelayBaseSec, 1),
      loginDelayMaxSec: int('KYSO_GATEWAY_LOGIN_DELAY_MAX_SEC', DEFAULT_AUTH.loginDelayMaxSec, 1),
    },
    limits: {
      systemPerMinute: int('KYSO_GATEWAY_RATE_SYSTEM_PER_MIN', DEFAULT_LIMITS.systemPerMinute, 1),
      operatorPerMinute: int('KYSO_GATEWAY_RATE_OPERATOR_PER_MIN', DEFAULT_LIMITS.operatorPerMinute, 1),
      loginPerMinute: int('KYSO_GATEWAY_RATE_LOGIN_PER_MIN', DEFAULT_LIMITS.loginPerMinute, 1),
      publicPerMinute: int('KYSO_GATEWAY_RATE_PUBLIC_PER_MIN', DEFAULT_LIMITS.publicPerMinute, 1),
      publicValidationsPerMinute: int(
        'KYSO_GATEWAY_RATE_PUBLIC_VALIDATIONS_PER_MIN',
        DEFAULT_LIMITS.publicValidationsPerMinute,
        1,
      ),
      requestTimeoutMs,
      idempotencyTtlSec: int('KYSO_GATEWAY_IDEMPOTENCY_TTL_SEC', DEFAULT_LIMITS.idempotencyTtlSec, 60),
      idempotencyMaxBodyBytes: int('KYSO_GATEWAY_IDEMPOTENCY_MAX_BYTES', DEFAULT_LIMITS.idempotencyMaxBodyBytes, 0),
    },
    corsOrigins,
    metricsToken,
    trustedProxies,
  };
}
