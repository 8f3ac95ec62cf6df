import {
  AddressPolicy,
  commonConfig,
  CommonConfig,
  ConfigError,
  DEFAULT_MAX_PDF_BYTES,
  int,
  servicePort,
  serviceUrl,
  str,
  WebhookSettings,
  webhookSettingsFromEnv,
} from '@kyso/common';

export interface VerifierConfig extends CommonConfig {
  port: number;
  registryUrl: string;
  /** Largest PDF accepted for validation. */
  maxUploadBytes: number;
  /**
   * Largest document validated in the API process when its revocation evidence is cached
   * (fast-path/fast-validation.ts); larger ones, and those needing a download, go to the workers.
   * 0 sends every document to the workers. Default DEFAULT_FAST_PATH_MAX_BYTES.
   */
  fastPathMaxBytes?: number;
  /**
   * false: `POST /validations/pdf` goes through Express and Nest every time (tests compare the two);
   * otherwise its plain calls are served without them (lean-validations.ts). Not from the environment.
   */
  leanValidations?: boolean;
  /** Redis key prefix for BullMQ: tests use a unique one per run. */
  queuePrefix: string;
  /**
   * How often the registry's trust-store version is asked (the set refetched when it moved): the
   * bound on how long a disabled anchor still anchors. 0: before every use.
   */
  trustAnchorsRefreshMs: number;
  workerConcurrency: number;
  /**
   * Loopback port of the worker's /health, /health/ready and /metrics (KYSO_VERIFIER_WORKER_PORT,
   * default 3012; 0 picks a free one). Absent: the worker serves none (tests of other concerns).
   */
  workerHealthPort?: number;
  /** The worker is not ready while a queue's oldest waiting job is older than this. */
  workerStallMs?: number;
  /** Attempts per validation job before it is marked failed (transient errors only). */
  jobAttempts: number;
  /** First retry delay; doubles on each attempt (validation and revocation jobs). */
  jobBackoffMs: number;
  /**
   * How long a worker holds a job without renewing its lock; a worker that died (killed, host
   * lost) has its jobs taken over by another after about this long (BullMQ stalled-job check).
   */
  jobLockMs?: number;
  /** Revocation settings; each missing one takes its REVOCATION_DEFAULTS value. */
  revocation?: Partial<RevocationConfig>;
  /** Validation evidence settings; each missing one takes its EVIDENCE_DEFAULTS value. */
  evidence?: Partial<EvidenceConfig>;
  /** The `webhooks` queue results with a `callbackUrl` go to; absent: every callbackUrl is refused (422). */
  webhooks?: WebhookSettings;
}

export const DEFAULT_WORKER_HEALTH_PORT = 3012;
export const DEFAULT_FAST_PATH_MAX_BYTES = 2 * 1024 * 1024;
export const DEFAULT_WORKER_STALL_MS = 300_000;

export interface EvidenceConfig {
  /**
   * Days a validation's evidence record is kept (it is the POE of the signatures it found valid).
   * Default 3653, ten years, as the archives keep a document's validation records; after that a
   * document needs its own timestamps (B-LTA) to prove when it was signed.
   */
  retentionDays: number;
  /** How often the worker's maintenance job seals waiting records and purges expired ones. */
  maintenanceEveryMs: number;
}

export const EVIDENCE_DEFAULTS: EvidenceConfig = { retentionDays: 3653, maintenanceEveryMs: 3_600_000 };

export function evidenceConfig(config: VerifierConfig): EvidenceConfig {
  return { ...EVIDENCE_DEFAULTS, ...stripUndefined(config.evidence ?? {}) };
}

export interface RevocationConfig {
  /** One CRL, OCSP or caIssuers download, redirects included. */
  fetchTimeoutMs: number;
  /** How long a validation waits for one download before its status counts as unknown. */
  waitMs: number;
  /** A cached CRL is refetched after this age even before its nextUpdate. */
  crlMaxAgeMs: number;
  /**
   * A cached OCSP answer is used until its nextUpdate but never longer than this; an answer
   * without nextUpdate is not cached at all (RFC 5019 2.2.4: newer status is always available).
   */
  ocspMaxAgeMs: number;
  /** A cached AIA caIssuers download (missing intermediates) is refetched after this age. */
  caIssuersMaxAgeMs: number;
  /** Downloads run at once by one worker process. */
  concurrency: number;
  /** Attempts per download (transient failures only). */
  attempts: number;
  /** Unknown status is INDETERMINATE/TRY_LATER. false only for explicit offline setups. */
  required: boolean;
  /**
   * Hosts, addresses and CIDRs outside the public Internet that downloads may reach (loopback,
   * private, link-local, ... are refused otherwise; see libs/common/src/net/address-guard.ts). Entries:
   * `crl.ca.internal`, `127.0.0.1:3000`, `[::1]:3000`, `10.20.0.0/16`.
   */
  fetchAllow: string[];
}

export const REVOCATION_DEFAULTS: RevocationConfig = {
  fetchTimeoutMs: 10_000,
  waitMs: 15_000,
  crlMaxAgeMs: 3_600_000,
  ocspMaxAgeMs: 3_600_000,
  caIssuersMaxAgeMs: 86_400_000,
  concurrency: 4,
  attempts: 3,
  required: true,
  fetchAllow: [],
};

export function revocationConfig(config: VerifierConfig): RevocationConfig {
  return { ...REVOCATION_DEFAULTS, ...stripUndefined(config.revocation ?? {}) };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A comma-separated list; empty entries dropped. */
function list(name: string): string[] {
  return (process.env[name] ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
}

function bool(name: string, fallback: boolean): boolean {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name} must be true or false, got ${raw}`);
}

/** BullMQ's own default: long enough that a busy worker never loses a job it is still running. */
export const DEFAULT_JOB_LOCK_MS = 30_000;

export function verifierConfigFromEnv(): VerifierConfig {
  const d = REVOCATION_DEFAULTS;
  const common = commonConfig();
  const config: VerifierConfig = {
    ...common,
    webhooks: webhookSettingsFromEnv(common.redisUrl),
    port: servicePort('verifier'),
    registryUrl: serviceUrl('registry'),
    maxUploadBytes: int('KYSO_VERIFIER_MAX_UPLOAD_BYTES', DEFAULT_MAX_PDF_BYTES, 1),
    fastPathMaxBytes: int('KYSO_VERIFIER_FAST_PATH_MAX_BYTES', DEFAULT_FAST_PATH_MAX_BYTES, 0),
    queuePrefix: str('KYSO_QUEUE_PREFIX', 'kyso'),
    trustAnchorsRefreshMs: int('KYSO_TRUST_ANCHORS_REFRESH_MS', 60_000, 0),
    workerConcurrency: int('KYSO_VERIFIER_WORKER_CONCURRENCY', 2, 1, 64),
    workerHealthPort: int('KYSO_VERIFIER_WORKER_PORT', DEFAULT_WORKER_HEALTH_PORT, 0, 65535),
    workerStallMs: int('KYSO_VERIFIER_WORKER_STALL_MS', DEFAULT_WORKER_STALL_MS, 1_000),
    jobAttempts: int('KYSO_VERIFIER_JOB_ATTEMPTS', 5, 1, 100),
    jobBackoffMs: int('KYSO_VERIFIER_JOB_BACKOFF_MS', 1_000, 0),
    jobLockMs: int('KYSO_VERIFIER_JOB_LOCK_MS', DEFAULT_JOB_LOCK_MS, 1_000, 600_000),
    revocation: {
      fetchTimeoutMs: int('KYSO_REVOCATION_FETCH_TIMEOUT_MS', d.fetchTimeoutMs, 100, 300_000),
      waitMs: int('KYSO_REVOCATION_WAIT_MS', d.waitMs, 100, 300_000),
      crlMaxAgeMs: int('KYSO_CRL_MAX_AGE_MS', d.crlMaxAgeMs, 0),
      ocspMaxAgeMs: int('KYSO_OCSP_MAX_AGE_MS', d.ocspMaxAgeMs, 0),
      caIssuersMaxAgeMs: int('KYSO_CA_ISSUERS_MAX_AGE_MS', d.caIssuersMaxAgeMs, 0),
      concurrency: int('KYSO_REVOCATION_CONCURRENCY', d.concurrency, 1, 64),
      attempts: int('KYSO_REVOCATION_FETCH_ATTEMPTS', d.attempts, 1, 20),
      required: bool('KYSO_REVOCATION_REQUIRED', d.required),
      fetchAllow: list('KYSO_REVOCATION_FETCH_ALLOW'),
    },
    evidence: {
      retentionDays: int('KYSO_EVIDENCE_RETENTION_DAYS', EVIDENCE_DEFAULTS.retentionDays, 1, 100 * 366),
      maintenanceEveryMs: int('KYSO_EVIDENCE_MAINTENANCE_MS', EVIDENCE_DEFAULTS.maintenanceEveryMs, 1_000),
    },
  };
  try {
    new AddressPolicy(config.revocation!.fetchAllow);
  } catch (e) {
    throw new ConfigError(`KYSO_REVOCATION_FETCH_ALLOW: ${(e as Error).message}`);
  }
  if (!/^[A-Za-z0-9:_-]+$/.test(config.queuePrefix))
    throw new ConfigError('KYSO_QUEUE_PREFIX may hold only letters, digits, ":", "_" and "-"');
  return config;
}
