import { ConfigError } from '@kyso/common';
import {
  EVIDENCE_DEFAULTS,
  evidenceConfig,
  REVOCATION_DEFAULTS,
  revocationConfig,
  verifierConfigFromEnv,
} from './config';

describe('verifierConfigFromEnv', () => {
  const saved = { ...process.env };
  afterEach(() => (process.env = { ...saved }));

  it('applies the documented defaults', () => {
    process.env = { KYSO_INTERNAL_TOKEN: 'x'.repeat(16) };
    expect(verifierConfigFromEnv()).toMatchObject({
      port: 3002,
      registryUrl: 'http://127.0.0.1:3003',
      maxUploadBytes: 50 * 1024 * 1024,
      queuePrefix: 'kyso',
    });
  });

  it('fails fast on a missing token, a bad size or a bad queue prefix', () => {
    process.env = {};
    expect(() => verifierConfigFromEnv()).toThrow(ConfigError);
    process.env = { KYSO_INTERNAL_TOKEN: 'x'.repeat(16), KYSO_VERIFIER_MAX_UPLOAD_BYTES: 'lots' };
    expect(() => verifierConfigFromEnv()).toThrow(/KYSO_VERIFIER_MAX_UPLOAD_BYTES/);
    process.env = { KYSO_INTERNAL_TOKEN: 'x'.repeat(16), KYSO_QUEUE_PREFIX: 'a b' };
    expect(() => verifierConfigFromEnv()).toThrow(/KYSO_QUEUE_PREFIX/);
  });

  it('reads the revocation settings, requiring revocation unless told otherwise', () => {
    process.env = { KYSO_INTERNAL_TOKEN: 'x'.repeat(16) };
    expect(revocationConfig(verifierConfigFromEnv())).toEqual(REVOCATION_DEFAULTS);
    expect(REVOCATION_DEFAULTS).toMatchObject({
      required: true,
      crlMaxAgeMs: 3_600_000,
      ocspMaxAgeMs: 3_600_000,
      caIssuersMaxAgeMs: 86_400_000,
      waitMs: 15_000,
    });
    process.env = {
      KYSO_INTERNAL_TOKEN: 'x'.repeat(16),
      KYSO_REVOCATION_FETCH_TIMEOUT_MS: '2000',
      KYSO_REVOCATION_WAIT_MS: '5000',
      KYSO_CRL_MAX_AGE_MS: '60000',
      KYSO_OCSP_MAX_AGE_MS: '30000',
      KYSO_CA_ISSUERS_MAX_AGE_MS: '120000',
      KYSO_REVOCATION_CONCURRENCY: '8',
      KYSO_REVOCATION_REQUIRED: 'false',
    };
    expect(revocationConfig(verifierConfigFromEnv())).toMatchObject({
      fetchTimeoutMs: 2000,
      waitMs: 5000,
      crlMaxAgeMs: 60000,
      ocspMaxAgeMs: 30000,
      caIssuersMaxAgeMs: 120000,
      concurrency: 8,
      required: false,
    });
    process.env = { KYSO_INTERNAL_TOKEN: 'x'.repeat(16), KYSO_REVOCATION_REQUIRED: 'no' };
    expect(() => verifierConfigFromEnv()).toThrow(/KYSO_REVOCATION_REQUIRED/);
  });

  it('reads the fetch allow-list, empty (nothing private reachable) unless configured, and refuses a bad entry', () => {
    process.env = { KYSO_INTERNAL_TOKEN: 'x'.repeat(16) };
    expect(revocationConfig(verifierConfigFromEnv()).fetchAllow).toEqual([]);
    process.env = {
      KYSO_INTERNAL_TOKEN: 'x'.repeat(16),
      KYSO_REVOCATION_FETCH_ALLOW: '127.0.0.1:3000, 10.0.0.0/8,,ca.lan',
    };
    expect(revocationConfig(verifierConfigFromEnv()).fetchAllow).toEqual(['127.0.0.1:3000', '10.0.0.0/8', 'ca.lan']);
    process.env = { KYSO_INTERNAL_TOKEN: 'x'.repeat(16), KYSO_REVOCATION_FETCH_ALLOW: '10.0.0.0/40' };
    expect(() => verifierConfigFromEnv()).toThrow(/KYSO_REVOCATION_FETCH_ALLOW/);
  });

  it('fills revocation settings a config literal leaves out (the end-to-end harness builds one)', () => {
    const literal = { revocation: { waitMs: 1_000, required: undefined } } as Parameters<typeof revocationConfig>[0];
    expect(revocationConfig(literal)).toEqual({ ...REVOCATION_DEFAULTS, waitMs: 1_000 });
  });

  it('keeps validation evidence ten years unless told otherwise, and refuses a retention under a day', () => {
    process.env = { KYSO_INTERNAL_TOKEN: 'x'.repeat(16) };
    expect(evidenceConfig(verifierConfigFromEnv())).toEqual(EVIDENCE_DEFAULTS);
    expect(EVIDENCE_DEFAULTS).toEqual({ retentionDays: 3653, maintenanceEveryMs: 3_600_000 });
    process.env = {
      KYSO_INTERNAL_TOKEN: 'x'.repeat(16),
      KYSO_EVIDENCE_RETENTION_DAYS: '400',
      KYSO_EVIDENCE_MAINTENANCE_MS: '60000',
    };
    expect(evidenceConfig(verifierConfigFromEnv())).toEqual({ retentionDays: 400, maintenanceEveryMs: 60_000 });
    process.env = { KYSO_INTERNAL_TOKEN: 'x'.repeat(16), KYSO_EVIDENCE_RETENTION_DAYS: '0' };
    expect(() => verifierConfigFromEnv()).toThrow(/KYSO_EVIDENCE_RETENTION_DAYS/);
  });
});
