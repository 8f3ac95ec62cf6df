import { ConfigError } from '@kyso/common';
import { signerConfigFromEnv, threadPoolSizeFor } from './config';

describe('signerConfigFromEnv', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });
  const base = { KYSO_INTERNAL_TOKEN: 'x'.repeat(16), KYSO_TOKEN_LABEL: 'kyso-dev', KYSO_TOKEN_PIN: '123456' };

  it('reads the token settings with the documented defaults', () => {
    process.env = { ...base };
    const c = signerConfigFromEnv();
    expect(c).toMatchObject({ port: 3001, registryUrl: 'http://127.0.0.1:3003', maxPdfBytes: 100 * 1024 * 1024 });
    expect(c.uploadDir).toMatch(/^\/.*kyso-signer-uploads$/);
    expect(c.pkcs11).toEqual({
      modulePath: '/usr/lib/softhsm/libsofthsm2.so',
      tokenLabel: 'kyso-dev',
      pin: '123456',
      poolSize: 4,
      operationTimeoutMs: 10_000,
    });
    expect(c.admission).toEqual({ maxInFlight: 8, maxQueued: 32, maxWaitMs: 5_000 });
  });

  it('reads the back-pressure settings', () => {
    process.env = {
      ...base,
      KYSO_SIGNER_MAX_IN_FLIGHT: '3',
      KYSO_SIGNER_QUEUE_MAX: '0',
      KYSO_SIGNER_QUEUE_WAIT_MS: '250',
      KYSO_TOKEN_OPERATION_TIMEOUT_MS: '2000',
    };
    const c = signerConfigFromEnv();
    expect(c.admission).toEqual({ maxInFlight: 3, maxQueued: 0, maxWaitMs: 250 });
    expect(c.pkcs11.operationTimeoutMs).toBe(2_000);
  });

  it('fails fast without a token PIN or with a bad pool size', () => {
    process.env = { ...base, KYSO_TOKEN_PIN: '' };
    expect(() => signerConfigFromEnv()).toThrow(ConfigError);
    process.env = { ...base, KYSO_SESSION_POOL_SIZE: '0' };
    expect(() => signerConfigFromEnv()).toThrow(/KYSO_SESSION_POOL_SIZE/);
    process.env = { ...base, KYSO_SIGNER_UPLOAD_DIR: 'relative/dir' };
    expect(() => signerConfigFromEnv()).toThrow(/KYSO_SIGNER_UPLOAD_DIR/);
  });

  it('sizes the libuv pool above the session pool', () => {
    expect(threadPoolSizeFor(4)).toBe(6);
    expect(threadPoolSizeFor(1)).toBe(4);
  });
});
