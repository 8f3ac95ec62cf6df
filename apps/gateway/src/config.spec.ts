import { ConfigError } from '@kyso/common';
import { gatewayConfigFromEnv } from './config';

describe('gatewayConfigFromEnv', () => {
  const saved = { ...process.env };
  afterEach(() => (process.env = { ...saved }));

  it('applies the documented defaults: port 3000, 100 MB to sign, 25 MB other bodies', () => {
    process.env = { KYSO_INTERNAL_TOKEN: 'x'.repeat(16) };
    expect(gatewayConfigFromEnv()).toMatchObject({
      port: 3000,
      signerUrl: 'http://127.0.0.1:3001',
      verifierUrl: 'http://127.0.0.1:3002',
      registryUrl: 'http://127.0.0.1:3003',
      bodyLimits: { signaturesPdf: 100 * 1024 * 1024, validationsPdf: 25 * 1024 * 1024 },
    });
  });

  it('takes per-route limits and fails fast on bad values', () => {
    process.env = {
      KYSO_INTERNAL_TOKEN: 'x'.repeat(16),
      KYSO_GATEWAY_MAX_BODY_BYTES: '1000',
      KYSO_GATEWAY_SIGN_MAX_BYTES: '10',
    };
    expect(gatewayConfigFromEnv().bodyLimits).toEqual({
      signaturesPdf: 10,
      validationsPdf: 1000,
      signatureBatches: 20 + 1024 * 1024,
    });
    process.env = { KYSO_INTERNAL_TOKEN: 'x'.repeat(16), KYSO_GATEWAY_MAX_BODY_BYTES: '1000' };
    expect(gatewayConfigFromEnv().bodyLimits.signaturesPdf).toBe(100 * 1024 * 1024);
    process.env = { KYSO_INTERNAL_TOKEN: 'short' };
    expect(() => gatewayConfigFromEnv()).toThrow(ConfigError);
    process.env = { KYSO_INTERNAL_TOKEN: 'x'.repeat(16), KYSO_SIGNER_URL: 'not a url' };
    expect(() => gatewayConfigFromEnv()).toThrow(/KYSO_SIGNER_URL/);
  });

  it('takes trusted proxies as addresses or CIDRs and refuses anything else', () => {
    process.env = { KYSO_INTERNAL_TOKEN: 'x'.repeat(16), KYSO_GATEWAY_TRUSTED_PROXIES: '10.0.0.0/8, ::1,192.0.2.7' };
    expect(gatewayConfigFromEnv().trustedProxies).toEqual(['10.0.0.0/8', '::1', '192.0.2.7']);
    expect(((process.env.KYSO_GATEWAY_TRUSTED_PROXIES = ''), gatewayConfigFromEnv().trustedProxies)).toEqual([]);
    for (const bad of ['loopback', '10.0.0.0/33', '10.0.0.1/8/1', '10.0.0', 'fe80::/129']) {
      process.env.KYSO_GATEWAY_TRUSTED_PROXIES = bad;
      expect(() => gatewayConfigFromEnv()).toThrow(/KYSO_GATEWAY_TRUSTED_PROXIES/);
    }
  });

  it('takes the webhook settings, and refuses a data key that is not 32 bytes or a bad allow-list entry', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    process.env = {
      KYSO_INTERNAL_TOKEN: 'x'.repeat(16),
      KYSO_WEBHOOK_SECRET_KEY: key,
      KYSO_WEBHOOK_ALLOW: '127.0.0.0/8, ::1',
      KYSO_QUEUE_PREFIX: 'kyso-2',
    };
    expect(gatewayConfigFromEnv()).toMatchObject({
      webhookSecretKey: key,
      webhooks: { prefix: 'kyso-2', allow: ['127.0.0.0/8', '::1'], attempts: 10, backoffMs: 5000, timeoutMs: 10000 },
    });
    process.env.KYSO_WEBHOOK_SECRET_KEY = Buffer.alloc(16).toString('base64');
    expect(() => gatewayConfigFromEnv()).toThrow(/KYSO_WEBHOOK_SECRET_KEY/);
    process.env.KYSO_WEBHOOK_SECRET_KEY = key;
    process.env.KYSO_WEBHOOK_ALLOW = '10.0.0.0/33';
    expect(() => gatewayConfigFromEnv()).toThrow(/KYSO_WEBHOOK_ALLOW/);
    process.env = { KYSO_INTERNAL_TOKEN: 'x'.repeat(16) };
    expect(gatewayConfigFromEnv().webhookSecretKey).toBeUndefined();
  });
});
