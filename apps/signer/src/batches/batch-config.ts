import { join } from 'node:path';
import { ConfigError, int, str, unprocessable } from '@kyso/common';

const MIB = 1024 * 1024;

/** Signing batches: where their files wait, how big one may be, how long results are kept. */
export interface BatchConfig {
  /** Documents and signed results, one directory per batch; shared by every signer instance that runs batches. */
  dir: string;
  /** Most documents in one batch (KYSO_SIGNER_BATCH_MAX_FILES; the registry caps a signing session too). */
  maxFiles: number;
  /** Most bytes of documents in one batch (KYSO_SIGNER_BATCH_MAX_BYTES). */
  maxTotalBytes: number;
  /** How long after a batch is done its results can be fetched (KYSO_SIGNER_BATCH_RESULT_TTL_HOURS). */
  resultTtlMs: number;
  /** Batches this instance signs at once (KYSO_SIGNER_BATCH_WORKERS); 0: it accepts batches but signs none. */
  concurrency: number;
  /** BullMQ key prefix (KYSO_QUEUE_PREFIX, shared with the verifier's queues). */
  queuePrefix: string;
  /** A worker that died is noticed after this long (BullMQ lock), and its batch resumed elsewhere. */
  lockMs: number;
  /** How often expired results are deleted. */
  sweepEveryMs: number;
}

/** A batch over KYSO_SIGNER_BATCH_MAX_FILES, refused while uploading or on submission alike. */
export const batchTooManyFiles = (maxFiles: number) =>
  unprocessable('BATCH_TOO_MANY_FILES', `A batch holds at most ${maxFiles} documents`, { field: 'files', maxFiles });

export const batchDefaults = (uploadDir: string): BatchConfig => ({
  dir: join(uploadDir, 'batches'),
  maxFiles: 50,
  maxTotalBytes: 200 * MIB,
  resultTtlMs: 24 * 3600_000,
  concurrency: 1,
  queuePrefix: 'kyso',
  lockMs: 30_000,
  sweepEveryMs: 10 * 60_000,
});

export function batchConfigFromEnv(uploadDir: string): BatchConfig {
  const d = batchDefaults(uploadDir);
  const config: BatchConfig = {
    dir: str('KYSO_SIGNER_BATCH_DIR', d.dir),
    maxFiles: int('KYSO_SIGNER_BATCH_MAX_FILES', d.maxFiles, 1, 1000),
    maxTotalBytes: int('KYSO_SIGNER_BATCH_MAX_BYTES', d.maxTotalBytes, 1),
    resultTtlMs: int('KYSO_SIGNER_BATCH_RESULT_TTL_HOURS', 24, 1, 24 * 90) * 3600_000,
    concurrency: int('KYSO_SIGNER_BATCH_WORKERS', d.concurrency, 0, 16),
    queuePrefix: str('KYSO_QUEUE_PREFIX', d.queuePrefix),
    lockMs: int('KYSO_SIGNER_BATCH_LOCK_MS', d.lockMs, 500, 600_000),
    sweepEveryMs: d.sweepEveryMs,
  };
  if (!config.dir.startsWith('/')) throw new ConfigError('KYSO_SIGNER_BATCH_DIR must be an absolute path');
  if (!/^[A-Za-z0-9:_-]+$/.test(config.queuePrefix))
    throw new ConfigError('KYSO_QUEUE_PREFIX may hold only letters, digits, ":", "_" and "-"');
  return config;
}
