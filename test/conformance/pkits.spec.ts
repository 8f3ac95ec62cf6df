import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Certificate } from '@kyso/pki';
import { CrlRevocationChecker, Crl } from '@kyso/pki/revocation/crl';
import { PERMISSIVE_ALGORITHM_POLICY, validatePath } from '@kyso/pki/validation';
import { PKITS_DIR } from './vectors';

/**
 * NIST PKITS 1.0.1 (RFC 5280 path validation with CRLs), one test per vector of pkits.json.
 * PKITS uses 1024-bit RSA/DSA and SHA-1, so the permissive algorithm policy is passed here; the
 * product default (STRICT_ALGORITHM_POLICY) would refuse them. Revocation is required, as PKITS
 * expects a certificate without a usable CRL to be rejected (4.4.1).
 *
 * PKITS was written for RFC 3280 and tests path processing (section 6), not the issuing profile
 * (section 4): three of its "valid" paths break MUSTs that RFC 5280 puts on CAs and that the
 * product policy fails by default (DEFAULT_CONSTRAINTS). Here they are lowered to warnings:
 * policyConstraints not critical (RFC 3280 allowed it; 16 PKITS CA certificates), basicConstraints
 * not critical in a CA (4.6.4) and a GeneralizedTime before 2050 (4.2.4, which RFC 5280 4.1.2.5
 * also asks relying parties to process).
 */
const PKITS_CONSTRAINTS = {
  policyConstraints: 'warn',
  basicConstraintsCritical: 'warn',
  validityEncoding: 'warn',
} as const;
const ROOT = PKITS_DIR;
const TIME = new Date('2011-04-15T00:00:00Z');

interface PkitsTest {
  test_number: string;
  title: string;
  id: string;
  trust_anchor: string;
  intermediates: string[];
  ee: string;
  crls: string[];
  should_validate: boolean;
  initial_policy_set: string[];
  initial_explicit_policy: boolean;
  initial_policy_mapping_inhibit: boolean;
  initial_inhibit_any_policy: boolean;
  user_constrained_policy_set: string[];
}

const table = JSON.parse(readFileSync(resolve(ROOT, 'pkits.json'), 'utf8')) as {
  policy_oids: Record<string, string>;
  tests: PkitsTest[];
};
const certs = new Map<string, Certificate>();
const crls = new Map<string, Crl>();
const cert = (name: string) =>
  certs.get(name) ??
  certs.set(name, Certificate.fromDer(readFileSync(resolve(ROOT, 'certs', `${name}.crt`)))).get(name)!;
const crl = (name: string) =>
  crls.get(name) ?? crls.set(name, Crl.fromDer(readFileSync(resolve(ROOT, 'crls', `${name}.crl`)))).get(name)!;
const oids = (names: string[]) => names.map((n) => table.policy_oids[n] ?? n).sort();

describe('NIST PKITS 1.0.1', () => {
  it('has the 249 vectors', () => expect(table.tests).toHaveLength(249));

  it.each(
    table.tests.map(
      (t) =>
        [
          `${t.title} [${t.initial_policy_set.join(',')}${t.initial_explicit_policy ? ' explicit' : ''}${t.initial_policy_mapping_inhibit ? ' no-mapping' : ''}${t.initial_inhibit_any_policy ? ' no-any' : ''}]`,
          t,
        ] as const,
    ),
  )('%s', async (_name, t) => {
    const intermediates = t.intermediates.map(cert);
    const result = await validatePath({
      leaf: cert(t.ee),
      intermediates,
      trustAnchors: [cert(t.trust_anchor)],
      validationTime: TIME,
      purpose: 'any',
      algorithmPolicy: PERMISSIVE_ALGORITHM_POLICY,
      constraints: PKITS_CONSTRAINTS,
      initialPolicySet: oids(t.initial_policy_set),
      initialExplicitPolicy: t.initial_explicit_policy,
      initialPolicyMappingInhibit: t.initial_policy_mapping_inhibit,
      initialAnyPolicyInhibit: t.initial_inhibit_any_policy,
      revocation: {
        checker: new CrlRevocationChecker({
          crls: t.crls.map(crl),
          certificates: intermediates,
          algorithmPolicy: PERMISSIVE_ALGORITHM_POLICY,
        }),
        required: true,
      },
    });
    const summary = {
      valid: result.valid,
      reasons: result.reasons.map((r) => `${r.code}@${r.certificateIndex ?? '-'} ${r.detail ?? ''}`),
    };
    expect(summary).toMatchObject({ valid: t.should_validate });
    if (t.should_validate) expect(result.userConstrainedPolicySet).toEqual(oids(t.user_constrained_policy_set));
  });
});
