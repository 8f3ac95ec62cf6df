import { Clock, commonConfig, ConfigError, int, servicePort, ServiceSockets, serviceUrl, str, url } from '@kyso/common';
import { parseHolidays } from './requests/working-days';

export interface RegistryConfig {
  databaseUrl: string;
  internalToken: string;
  host: string;
  port: number;
  /** Co-located services' Unix-domain sockets (KYSO_REGISTRY_SOCKET is where this one listens too). */
  sockets?: ServiceSockets;
  /**
   * KYSO_REGISTRY_DATA_KEY: 32 random bytes, base64. Encrypts officials' national ID numbers
   * (AES-256-GCM) and keys their blind index. Optional for in-process test harnesses only: without
   * it the registry refuses to store national IDs (NATIONAL_ID_KEY_NOT_CONFIGURED).
   */
  dataKey?: string;
  /** Lifecycle settings below are optional so that test harnesses may leave the defaults. */
  /** Where the signer is (request letters are signed through it). KYSO_SIGNER_URL. */
  signerUrl?: string;
  /** `dev` fulfils requests at once with the dev CA in `devCaDir`; `manual` waits for the CA's answer. Default manual. */
  caConnector?: 'dev' | 'manual';
  /** KYSO_DEV_CA_DIR, default var/dev/pki (subordinate.pem, subordinate.key.pem, root.pem). */
  devCaDir?: string;
  /**
   * KYSO_DEV_CA_PUBLIC_URL: where relying parties reach the dev CA's CRLs and OCSP responder
   * (e.g. http://127.0.0.1:3003/dev-ca); written into the certificates it issues. None: no URLs.
   */
  devCaPublicUrl?: string;
  /** KYSO_DEV_CA_OCSP_VALIDITY_SECONDS: the dev CA's OCSP answers have nextUpdate = thisUpdate + this. Default 3600. */
  devCaOcspValiditySeconds?: number;
  /** KYSO_HOLIDAYS: public holidays (YYYY-MM-DD, comma-separated) skipped by the working-day deadline clock. */
  holidays?: string[];
  /** KYSO_PIN_LOCKOUT_THRESHOLD: consecutive wrong PINs after which a certificate is locked until a device recovery. Default 3 (R32). */
  pinLockoutThreshold?: number;
  /**
   * KYSO_REDIS_URL: where personnel changes dated in the future wait as BullMQ delayed jobs (the
   * registry runs their worker in-process). None (test harnesses): such changes are refused with 503.
   */
  redisUrl?: string;
  /** KYSO_QUEUE_PREFIX: Redis key prefix of the registry's queue (one per instance; tests draw their own). */
  queuePrefix?: string;
  /** Test harnesses only: the registry's "now" (effective dates, validity). Default the system clock. */
  clock?: Clock;
  /** KYSO_SIGNING_SESSION_MAX_USES: most signatures one signing session may allow. Default 100. */
  signingSessionMaxUses?: number;
  /** KYSO_SIGNING_SESSION_TTL_SECONDS: lifetime of a signing session. Default 900 (15 minutes). */
  signingSessionTtlSeconds?: number;
  /**
   * false: `POST /signing-authorizations` goes through Express and Nest every time (tests compare
   * the two); otherwise its plain calls are served without them (lean-authorizations.ts). Not from
   * the environment.
   */
  leanAuthorizations?: boolean;
}

export const DEFAULT_PIN_LOCKOUT_THRESHOLD = 3;
export const DEFAULT_SIGNING_SESSION_MAX_USES = 100;
export const DEFAULT_SIGNING_SESSION_TTL_SECONDS = 900;

/** Reads and validates the registry's settings (docs/internal-api.md); throws ConfigError at boot. */
export function registryConfigFromEnv(): RegistryConfig {
  const common = commonConfig();
  return {
    databaseUrl: common.databaseUrl,
    internalToken: common.internalToken,
    host: common.host,
    port: servicePort('registry'),
    sockets: common.sockets,
    dataKey: dataKeyFromEnv(),
    redisUrl: common.redisUrl,
    queuePrefix: queuePrefixFromEnv(),
    ...lifecycleConfigFromEnv(),
  };
}

function queuePrefixFromEnv(): string {
  const prefix = str('KYSO_QUEUE_PREFIX', 'kyso');
  if (!/^[A-Za-z0-9:_-]{1,64}$/.test(prefix))
    throw new ConfigError('KYSO_QUEUE_PREFIX: letters, digits, ":", "_" or "-", at most 64');
  return prefix;
}

/** Generate one with `openssl rand -base64 32`. Losing it makes stored national IDs unreadable. */
export function dataKeyFromEnv(): string {
  const raw = str('KYSO_REGISTRY_DATA_KEY');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(raw) || Buffer.from(raw, 'base64').length !== 32) {
    throw new ConfigError('KYSO_REGISTRY_DATA_KEY must be 32 bytes, base64 (openssl rand -base64 32)');
  }
  return raw;
}

export const DEV_CA_OCSP_VALIDITY_SECONDS = 3600;

export function lifecycleConfigFromEnv(): Pick<
  RegistryConfig,
  | 'signerUrl'
  | 'caConnector'
  | 'devCaDir'
  | 'devCaPublicUrl'
  | 'devCaOcspValiditySeconds'
  | 'holidays'
  | 'pinLockoutThreshold'
  | 'signingSessionMaxUses'
  | 'signingSessionTtlSeconds'
> {
  const caConnector = str('KYSO_CA_CONNECTOR', 'manual');
  if (caConnector !== 'dev' && caConnector !== 'manual')
    throw new ConfigError('KYSO_CA_CONNECTOR must be "dev" or "manual"');
  let holidays: string[];
  try {
    holidays = parseHolidays(process.env.KYSO_HOLIDAYS);
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  return {
    signerUrl: serviceUrl('signer'),
    caConnector,
    devCaDir: str('KYSO_DEV_CA_DIR', 'var/dev/pki'),
    devCaPublicUrl: process.env.KYSO_DEV_CA_PUBLIC_URL ? url('KYSO_DEV_CA_PUBLIC_URL') : undefined,
    devCaOcspValiditySeconds: int('KYSO_DEV_CA_OCSP_VALIDITY_SECONDS', DEV_CA_OCSP_VALIDITY_SECONDS, 1, 7 * 86_400),
    holidays,
    pinLockoutThreshold: int('KYSO_PIN_LOCKOUT_THRESHOLD', DEFAULT_PIN_LOCKOUT_THRESHOLD, 1, 100),
    signingSessionMaxUses: int('KYSO_SIGNING_SESSION_MAX_USES', DEFAULT_SIGNING_SESSION_MAX_USES, 1, 10_000),
    signingSessionTtlSeconds: int('KYSO_SIGNING_SESSION_TTL_SECONDS', DEFAULT_SIGNING_SESSION_TTL_SECONDS, 10, 86_400),
  };
}
