import { batchConfigFromEnv } from './batch-config';

describe('batchConfigFromEnv', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('defaults under the upload directory, and reads the limits, TTL (hours) and workers', () => {
    process.env = {};
    expect(batchConfigFromEnv('/var/kyso/uploads')).toMatchObject({
      dir: '/var/kyso/uploads/batches',
      maxFiles: 50,
      resultTtlMs: 24 * 3600_000,
      concurrency: 1,
      queuePrefix: 'kyso',
    });
    process.env = {
      KYSO_SIGNER_BATCH_DIR: '/srv/batches',
      KYSO_SIGNER_BATCH_MAX_FILES: '5',
      KYSO_SIGNER_BATCH_MAX_BYTES: '1000',
      KYSO_SIGNER_BATCH_RESULT_TTL_HOURS: '2',
      KYSO_SIGNER_BATCH_WORKERS: '0',
    };
    expect(batchConfigFromEnv('/tmp/u')).toMatchObject({
      dir: '/srv/batches',
      maxFiles: 5,
      maxTotalBytes: 1000,
      resultTtlMs: 2 * 3600_000,
      concurrency: 0,
    });
  });

  it('fails fast on a relative directory, a bad prefix or an out-of-range number', () => {
    process.env = { KYSO_SIGNER_BATCH_DIR: 'batches' };
    expect(() => batchConfigFromEnv('/tmp/u')).toThrow(/KYSO_SIGNER_BATCH_DIR/);
    process.env = { KYSO_QUEUE_PREFIX: 'a b' };
    expect(() => batchConfigFromEnv('/tmp/u')).toThrow(/KYSO_QUEUE_PREFIX/);
    process.env = { KYSO_SIGNER_BATCH_MAX_FILES: '0' };
    expect(() => batchConfigFromEnv('/tmp/u')).toThrow(/KYSO_SIGNER_BATCH_MAX_FILES/);
  });
});
