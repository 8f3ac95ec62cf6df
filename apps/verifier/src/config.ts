import { commonConfig, CommonConfig, ConfigError, int, servicePort, serviceUrl, str } from '@kyso/common';

export interface VerifierConfig extends CommonConfig {
  port: number;
  registryUrl: string;
  /** Largest PDF accepted for validation. */
  maxUploadBytes: number;
  /** Redis key prefix for BullMQ: tests use a unique one per run. */
  queuePrefix: string;
  /** How long the registry's trust anchors are reused before asking again. */
  trustAnchorTtlMs: number;
  workerConcurrency: number;
  /** Attempts per validation job before it is marked failed (transient errors only). */
  jobAttempts: number;
  /** First retry delay; doubles on each attempt. */
  jobBackoffMs: number;
}

export function verifierConfigFromEnv(): VerifierConfig {
  const config: VerifierConfig = {
    ...commonConfig(),
    port: servicePort('verifier'),
    registryUrl: serviceUrl('registry'),
    maxUploadBytes: int('KYSO_VERIFIER_MAX_UPLOAD_BYTES', 50 * 1024 * 1024, 1),
    queuePrefix: str('KYSO_QUEUE_PREFIX', 'kyso'),
    trustAnchorTtlMs: int('KYSO_TRUST_ANCHOR_TTL_MS', 60_000, 0),
    workerConcurrency: int('KYSO_VERIFIER_WORKER_CONCURRENCY', 2, 1, 64),
    jobAttempts: int('KYSO_VERIFIER_JOB_ATTEMPTS', 5, 1, 100),
    jobBackoffMs: int('KYSO_VERIFIER_JOB_BACKOFF_MS', 1_000, 0),
  };
  if (!/^[A-Za-z0-9:_-]+$/.test(config.queuePrefix)) throw new ConfigError('KYSO_QUEUE_PREFIX may hold only letters, digits, ":", "_" and "-"');
  return config;
}
