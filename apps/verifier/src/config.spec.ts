import { ConfigError } from '@kyso/common';
import { verifierConfigFromEnv } from './config';

describe('verifierConfigFromEnv', () => {
  const saved = { ...process.env };
  afterEach(() => (process.env = { ...saved }));

  it('applies the documented defaults', () => {
    process.env = { KYSO_INTERNAL_TOKEN: 'x'.repeat(16) };
    expect(verifierConfigFromEnv()).toMatchObject({ port: 3002, registryUrl: 'http://127.0.0.1:3003', maxUploadBytes: 50 * 1024 * 1024, queuePrefix: 'kyso' });
  });

  it('fails fast on a missing token, a bad size or a bad queue prefix', () => {
    process.env = {};
    expect(() => verifierConfigFromEnv()).toThrow(ConfigError);
    process.env = { KYSO_INTERNAL_TOKEN: 'x'.repeat(16), KYSO_VERIFIER_MAX_UPLOAD_BYTES: 'lots' };
    expect(() => verifierConfigFromEnv()).toThrow(/KYSO_VERIFIER_MAX_UPLOAD_BYTES/);
    process.env = { KYSO_INTERNAL_TOKEN: 'x'.repeat(16), KYSO_QUEUE_PREFIX: 'a b' };
    expect(() => verifierConfigFromEnv()).toThrow(/KYSO_QUEUE_PREFIX/);
  });
});
