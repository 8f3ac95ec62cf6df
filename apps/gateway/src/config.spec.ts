import { ConfigError } from '@kyso/common';
import { gatewayConfigFromEnv } from './config';

describe('gatewayConfigFromEnv', () => {
  const saved = { ...process.env };
  afterEach(() => (process.env = { ...saved }));

  it('applies the documented defaults: port 3000, 25 MB bodies', () => {
    process.env = { KYSO_INTERNAL_TOKEN: 'x'.repeat(16) };
    expect(gatewayConfigFromEnv()).toMatchObject({
      port: 3000,
      signerUrl: 'http://127.0.0.1:3001',
      verifierUrl: 'http://127.0.0.1:3002',
      registryUrl: 'http://127.0.0.1:3003',
      bodyLimits: { signaturesPdf: 25 * 1024 * 1024, validationsPdf: 25 * 1024 * 1024 },
    });
  });

  it('takes per-route limits and fails fast on bad values', () => {
    process.env = {
      KYSO_INTERNAL_TOKEN: 'x'.repeat(16),
      KYSO_GATEWAY_MAX_BODY_BYTES: '1000',
      KYSO_GATEWAY_SIGN_MAX_BYTES: '10',
    };
    expect(gatewayConfigFromEnv().bodyLimits).toEqual({ signaturesPdf: 10, validationsPdf: 1000 });
    process.env = { KYSO_INTERNAL_TOKEN: 'short' };
    expect(() => gatewayConfigFromEnv()).toThrow(ConfigError);
    process.env = { KYSO_INTERNAL_TOKEN: 'x'.repeat(16), KYSO_SIGNER_URL: 'not a url' };
    expect(() => gatewayConfigFromEnv()).toThrow(/KYSO_SIGNER_URL/);
  });
});
