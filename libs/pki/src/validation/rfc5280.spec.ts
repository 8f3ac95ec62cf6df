import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DevCa, generateSoftwareKey } from '../devca';
import { RevocationStatus } from '../revocation/types';
import { Certificate } from '../x509/certificate';
import { EKU } from '../x509/extensions';
import { algorithmRefusal, STRICT_ALGORITHM_POLICY } from './algorithm-policy';
import { judgeRevocation } from './revocation-judgement';
import { validatePath } from './validate-path';
import { PKITS_CERTS } from '../../../../test/conformance/vectors';

const PKITS = PKITS_CERTS;
const pkits = (name: string) => Certificate.fromDer(readFileSync(resolve(PKITS, `${name}.crt`)));
const codes = (r: { reasons: { code: string }[] }) => r.reasons.map((x) => x.code);

describe('algorithm policy (data, by date)', () => {
  const dsaPath = () => ({
    leaf: pkits('ValidDSAParameterInheritanceTest5EE'),
    intermediates: [pkits('DSACACert'), pkits('DSAParametersInheritedCACert')],
    trustAnchors: [pkits('TrustAnchorRootCertificate')],
    purpose: 'any' as const,
  });

  it('verifies DSA with parameters inherited from the issuer (PKITS 4.1.5) while SHA-1 and DSA-1024 were still allowed', () => {
    const r = validatePath({
      ...dsaPath(),
      validationTime: new Date('2011-04-15T00:00:00Z'),
      algorithmPolicy: STRICT_ALGORITHM_POLICY,
    });
    expect(r.valid).toBe(true);
    expect(r.chain).toHaveLength(4);
  });

  it('refuses the same path after the cut-off: INDETERMINATE/CRYPTO_CONSTRAINTS_FAILURE_NO_POE', () => {
    const r = validatePath({ ...dsaPath(), validationTime: new Date('2025-04-15T00:00:00Z') });
    expect(r).toMatchObject({
      valid: false,
      indication: 'INDETERMINATE',
      subIndication: 'CRYPTO_CONSTRAINTS_FAILURE_NO_POE',
    });
    expect(r.reasons.find((x) => x.code === 'ALGORITHM_NOT_ALLOWED')?.detail).toMatch(/sha1|dsa/i);
  });
});

describe("the leaf's own key (every key of the path is judged)", () => {
  const spki = (type: 'rsa' | 'ec', opt: number | string) =>
    new Uint8Array(
      (type === 'rsa'
        ? generateKeyPairSync('rsa', { modulusLength: opt as number })
        : generateKeyPairSync('ec', { namedCurve: opt as string })
      ).publicKey.export({ type: 'spki', format: 'der' }),
    );

  it('refuses an RSA-1024 leaf after the cut-off and a P-192 leaf always; P-256 and RSA-2048 pass', async () => {
    const root = await DevCa.createRoot({ commonName: 'Leaf Key Root', notBefore: new Date('2017-01-01T00:00:00Z') });
    const leafWith = (publicKeySpki: Uint8Array) =>
      root.issue({
        subject: { CN: 'Leaf key' },
        publicKeySpki,
        profile: 'person',
        notBefore: new Date('2017-06-01T00:00:00Z'),
        notAfter: new Date(Date.now() + 86400_000),
      });
    const check = async (publicKeySpki: Uint8Array, at = new Date()) =>
      validatePath({ leaf: await leafWith(publicKeySpki), trustAnchors: [root.certificate], validationTime: at });

    const rsa1024 = spki('rsa', 1024);
    const weak = await check(rsa1024);
    expect(weak).toMatchObject({ valid: false, subIndication: 'CRYPTO_CONSTRAINTS_FAILURE_NO_POE' });
    expect(weak.reasons).toContainEqual(
      expect.objectContaining({
        code: 'ALGORITHM_NOT_ALLOWED',
        certificateIndex: 0,
        detail: expect.stringMatching(/^rsa 1024-bit key refused/),
      }),
    );
    expect((await check(rsa1024, new Date('2018-06-01T00:00:00Z'))).valid).toBe(true);
    const p192 = await check(spki('ec', 'prime192v1'));
    expect(p192.reasons).toContainEqual(
      expect.objectContaining({
        code: 'ALGORITHM_NOT_ALLOWED',
        certificateIndex: 0,
        detail: expect.stringMatching(/prime192v1/),
      }),
    );
    expect((await check(spki('ec', 'prime256v1'))).valid).toBe(true);
    expect((await check(spki('rsa', 2048))).valid).toBe(true);
  });
});

describe('algorithm refusals in words', () => {
  const sha256 = { name: 'ECDSA-SHA256', digest: 'sha256' };
  const now = new Date('2026-01-01T00:00:00Z');
  it('names a short RSA key by its size and an EC key by its curve (the size when the policy knows it)', () => {
    expect(algorithmRefusal(STRICT_ALGORITHM_POLICY, sha256, { type: 'rsa', bits: 1024 }, now)).toBe(
      'rsa 1024-bit key refused by kyso-strict-2026 (minimum 2048 from 2019-01-01T00:00:00Z)',
    );
    expect(algorithmRefusal(STRICT_ALGORITHM_POLICY, sha256, { type: 'ec', bits: 0, curve: 'prime192v1' }, now)).toBe(
      'ec key on prime192v1 (a curve the policy does not accept) refused by kyso-strict-2026 (minimum 256)',
    );
    expect(
      algorithmRefusal(STRICT_ALGORITHM_POLICY, sha256, { type: 'ec', bits: 256, curve: 'prime256v1' }, now),
    ).toBeUndefined();
  });
});

describe('purpose and policy inputs', () => {
  let root: DevCa;
  const key = () => generateSoftwareKey().publicKeySpki;
  beforeAll(async () => {
    root = await DevCa.createRoot({ commonName: 'Purpose Root' });
  });

  it('checks extended key usage by purpose (name or OID)', async () => {
    const tls = await root.issue({
      subject: { CN: 'cong.gov.vn' },
      publicKeySpki: key(),
      profile: 'person',
      extendedKeyUsage: ['1.3.6.1.5.5.7.3.1'],
    });
    const base = { leaf: tls, trustAnchors: [root.certificate], validationTime: new Date() };
    expect(validatePath({ ...base, purpose: 'serverAuth' }).valid).toBe(true);
    expect(validatePath({ ...base, purpose: '1.3.6.1.5.5.7.3.1' }).valid).toBe(true);
    const doc = validatePath({ ...base, purpose: 'documentSigning' });
    expect(doc).toMatchObject({ valid: false, subIndication: 'CHAIN_CONSTRAINTS_FAILURE' });
    expect(codes(doc)).toContain('EXTENDED_KEY_USAGE_MISMATCH');
    const signing = await root.issue({
      subject: { CN: 'Phạm Văn D' },
      publicKeySpki: key(),
      profile: 'person',
      extendedKeyUsage: [EKU.documentSigning],
    });
    expect(validatePath({ ...base, leaf: signing, purpose: 'documentSigning' }).valid).toBe(true);
    const aatl = await root.issue({
      subject: { CN: 'AATL Signer' },
      publicKeySpki: key(),
      profile: 'person',
      extendedKeyUsage: [EKU.adobeAuthenticDocuments],
    });
    expect(validatePath({ ...base, leaf: aatl, purpose: 'documentSigning' }).valid).toBe(true);
    expect(codes(validatePath({ ...base, leaf: signing, purpose: 'clientAuth' }))).toContain(
      'EXTENDED_KEY_USAGE_MISMATCH',
    );
  });

  it('requires an explicit policy when asked (RFC 5280 6.1.1 (f)) and reports the policy sets', async () => {
    // dev CA certificates carry no certificatePolicies: the valid_policy_tree ends NULL
    const leaf = await root.issue({ subject: { CN: 'No Policy' }, publicKeySpki: key(), profile: 'person' });
    const base = { leaf, trustAnchors: [root.certificate], validationTime: new Date(), purpose: 'any' as const };
    expect(validatePath(base)).toMatchObject({
      valid: true,
      userConstrainedPolicySet: [],
      authorityConstrainedPolicySet: [],
    });
    const explicit = validatePath({ ...base, initialExplicitPolicy: true });
    expect(explicit).toMatchObject({ valid: false, subIndication: 'CHAIN_CONSTRAINTS_FAILURE' });
    expect(codes(explicit)).toContain('NO_VALID_POLICY');
  });
});

describe('judgeRevocation (ETSI EN 319 102-1 5.2.6 table)', () => {
  const T = new Date('2025-06-01T00:00:00Z');
  const revoked = (iso: string, reason: RevocationStatus['reason'] = 'keyCompromise'): RevocationStatus => ({
    status: 'revoked',
    source: 'crl',
    revocationTime: new Date(iso),
    reason,
    problems: [],
  });
  const good: RevocationStatus = { status: 'good', source: 'crl', problems: [] };
  const unknown = (...problems: string[]): RevocationStatus => ({ status: 'unknown', source: null, problems });

  it.each([
    ['leaf revoked before T, no POE', [revoked('2025-01-01'), good], false, undefined, 'INDETERMINATE/REVOKED_NO_POE'],
    [
      'leaf revoked before the POE',
      [revoked('2025-01-01'), good],
      false,
      new Date('2025-02-01'),
      'TOTAL-FAILED/REVOKED',
    ],
    ['leaf revoked after the POE', [revoked('2025-03-01'), good], false, new Date('2025-02-01'), 'passes'],
    ['leaf revoked after T', [revoked('2025-07-01'), good], true, undefined, 'passes'],
    [
      'CA revoked before T',
      [good, revoked('2025-01-01', 'cACompromise')],
      false,
      undefined,
      'INDETERMINATE/REVOKED_CA_NO_POE',
    ],
    [
      'leaf on hold',
      [revoked('2025-01-01', 'certificateHold'), good],
      false,
      undefined,
      'INDETERMINATE/REVOKED_NO_POE',
    ],
    ['unknown, required', [unknown('CRL_NOT_FOUND'), good], true, undefined, 'INDETERMINATE/TRY_LATER'],
    [
      'unknown after expiry, required',
      [unknown('CRL_ISSUED_AFTER_CERTIFICATE_EXPIRY'), good],
      true,
      undefined,
      'INDETERMINATE/REVOCATION_OUT_OF_BOUNDS_NO_POE',
    ],
    ['unknown, not required', [unknown('CRL_NOT_FOUND'), good], false, undefined, 'passes'],
    [
      'revoked leaf outranks unknown CA',
      [revoked('2025-01-01'), unknown('CRL_NOT_FOUND')],
      true,
      undefined,
      'INDETERMINATE/REVOKED_NO_POE',
    ],
  ] as const)('%s → %s', (_name, statuses, required, poe, expected) => {
    const { result } = judgeRevocation([...statuses], T, required, poe);
    expect(result ? `${result.indication}/${result.subIndication}` : 'passes').toBe(expected);
  });
});

describe('bad input in bounded time', () => {
  it('gives up on a chain deeper than the depth budget', async () => {
    let ca = await DevCa.createRoot({ commonName: 'Deep 0' });
    const anchor = ca.certificate;
    const intermediates: Certificate[] = [];
    for (let i = 1; i <= 14; i++) {
      ca = await ca.createSubordinate({ commonName: `Deep ${i}` });
      intermediates.push(ca.certificate);
    }
    const leaf = await ca.issue({
      subject: { CN: 'Deep leaf' },
      publicKeySpki: generateSoftwareKey().publicKeySpki,
      profile: 'person',
    });
    const started = Date.now();
    const r = validatePath({
      leaf,
      intermediates: intermediates.reverse(),
      trustAnchors: [anchor],
      validationTime: new Date(),
    });
    expect(r.subIndication).toBe('NO_CERTIFICATE_CHAIN_FOUND');
    expect(Date.now() - started).toBeLessThan(10_000); // a guard against runaway path building, not a speed measure
  });
});
