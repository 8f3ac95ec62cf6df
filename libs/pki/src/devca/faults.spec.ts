import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Crl, CrlRevocationChecker } from '../revocation/crl';
import { OcspRevocationChecker } from '../revocation/ocsp';
import { validatePath } from '../validation';
import { toPem } from '../asn1';
import { FAULT_KINDS, FaultKind, faultScenario, FaultScenario, scenarioCas } from './scenarios';

/** Our verdict: validatePath with revocation required, from the scenario's OCSP responses or its CRLs. */
async function ours(s: FaultScenario, now: Date, source: 'ocsp' | 'crl'): Promise<{ valid: boolean; codes: string[] }> {
  const checker =
    source === 'ocsp'
      ? new OcspRevocationChecker({ responses: s.ocspResponses, clock: () => now })
      : new CrlRevocationChecker({ crls: s.crls.map((d) => Crl.fromDer(d)) });
  const r = await validatePath({
    leaf: s.leaf,
    intermediates: s.intermediates,
    trustAnchors: s.trustAnchors,
    validationTime: s.validationTime,
    purpose: 'documentSigning',
    revocation: { checker, required: true },
  });
  return { valid: r.valid, codes: r.reasons.map((x) => x.code as string) };
}

/** What our validator must say for each fault . */
const OUR_CODES: Record<FaultKind, RegExp | null> = {
  valid: null,
  revokedAfter: null,
  expired: /^EXPIRED$/,
  notYetValid: /^NOT_YET_VALID$/,
  revokedBefore: /^REVOKED$/,
  wrongKeyUsage: /^KEY_USAGE_NOT_FOR_SIGNING$/,
  badSignature: /^CERTIFICATE_SIGNATURE_INVALID$/,
  brokenNameConstraints: /^NAME_CONSTRAINTS_VIOLATED$/,
  unknownCriticalExtension: /^UNKNOWN_CRITICAL_EXTENSION$/,
  missingIntermediate: /^NO_CERTIFICATE_CHAIN_FOUND$/,
};

/** openssl verify's error for each fault (revokedAfter: openssl has no "status as of a time", it says revoked). */
const OPENSSL_ERRORS: Record<FaultKind, RegExp | null> = {
  valid: null,
  revokedAfter: /certificate revoked/,
  expired: /certificate has expired/,
  notYetValid: /certificate is not yet valid/,
  revokedBefore: /certificate revoked/,
  wrongKeyUsage: /unsuitable certificate purpose/,
  badSignature: /certificate signature failure/,
  brokenNameConstraints: /permitted subtree violation/,
  unknownCriticalExtension: /unhandled critical extension/,
  missingIntermediate: /unable to get local issuer certificate/,
};

describe('dev CA failure switches', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kyso-faults-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const now = new Date();
  const scenarios = new Map<FaultKind, FaultScenario>();

  beforeAll(async () => {
    const cas = await scenarioCas({ now });
    for (const kind of FAULT_KINDS) scenarios.set(kind, await faultScenario(kind, { ...cas, now }));
  });

  function openssl(s: FaultScenario): { ok: boolean; output: string } {
    const f = (name: string, text: string) => (
      writeFileSync(join(dir, `${s.kind}-${name}`), text),
      join(dir, `${s.kind}-${name}`)
    );
    const crls = f('crls.pem', s.crls.map((c) => toPem('X509 CRL', c)).join(''));
    const args = [
      'verify',
      '-CAfile',
      f('root.pem', s.root.certificate.toPem()),
      '-purpose',
      'smimesign',
      '-crl_check_all',
      '-CRLfile',
      crls,
    ];
    if (s.intermediates.length) args.push('-untrusted', f('sub.pem', s.intermediates.map((c) => c.toPem()).join('')));
    args.push(f('leaf.pem', s.leaf.toPem()));
    try {
      return {
        ok: true,
        output: execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
      };
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      return { ok: false, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
    }
  }

  it.each(FAULT_KINDS.map((k) => [k]))('%s: our validator and openssl verify agree with the switch', async (kind) => {
    const s = scenarios.get(kind)!;
    for (const source of ['ocsp', 'crl'] as const) {
      const verdict = await ours(s, now, source);
      expect({ source, valid: verdict.valid }).toEqual({ source, valid: s.expectValid });
      const expected = OUR_CODES[kind];
      if (expected)
        expect({ source, codes: verdict.codes }).toEqual({
          source,
          codes: expect.arrayContaining([expect.stringMatching(expected)]),
        });
    }

    const o = openssl(s);
    const opensslError = OPENSSL_ERRORS[kind];
    if (opensslError) {
      expect(o.ok).toBe(false);
      expect(o.output).toMatch(opensslError);
    } else expect(o.output).toContain(': OK');
  });

  it('revokedAfter: the certificate is refused at a time after its revocation', async () => {
    const s = scenarios.get('revokedAfter')!;
    for (const source of ['ocsp', 'crl'] as const) {
      const later = await ours({ ...s, validationTime: now }, now, source);
      expect(later).toEqual({ valid: false, codes: expect.arrayContaining([expect.stringMatching(/REVOKED/)]) });
    }
  });
});
