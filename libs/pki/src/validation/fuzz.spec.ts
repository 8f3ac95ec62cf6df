import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { onlyThrows } from '../../test-fixtures/fuzz';
import { PkiFormatError } from '../errors';
import { Crl } from '../revocation/crl/crl';
import { CrlRevocationChecker } from '../revocation/crl/crl-checker';
import { Certificate } from '../x509/certificate';
import { PERMISSIVE_ALGORITHM_POLICY } from './algorithm-policy';
import { validatePath } from './validate-path';
import { PKITS_DIR } from '../../../../test/conformance/vectors';

/**
 * Property: mutated certificates and CRLs never make parsing throw anything but PkiFormatError,
 * and never make validatePath (sync or with CRLs) throw at all: the answer is a result.
 */
const ROOT = PKITS_DIR;
const raw = (dir: string, name: string) => new Uint8Array(readFileSync(resolve(ROOT, dir, name)));
const anchor = Certificate.fromDer(raw('certs', 'TrustAnchorRootCertificate.crt'));
const ca = raw('certs', 'nameConstraintsDN1CACert.crt');
const ee = raw('certs', 'ValidDNnameConstraintsTest1EE.crt');
const crls = [
  raw('crls', 'TrustAnchorRootCRL.crl'),
  raw('crls', 'nameConstraintsDN1CACRL.crl'),
  raw('crls', 'indirectCRLCA5CRL.crl'),
  raw('crls', 'deltaCRLCA1deltaCRL.crl'),
];
const TIME = new Date('2011-04-15T00:00:00Z');

/** Byte flips, truncation, insertion: what corruption in transit or a hostile sender produces. */
const mutation = (bytes: Uint8Array) =>
  fc.oneof(
    fc
      .array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 })
      .map((flips) => {
        const out = new Uint8Array(bytes);
        for (const [i, x] of flips) out[i] ^= x;
        return out;
      }),
    fc.nat(bytes.length - 1).map((n) => bytes.slice(0, n)),
    fc
      .tuple(fc.nat(bytes.length), fc.uint8Array({ minLength: 1, maxLength: 8 }))
      .map(([i, ins]) => new Uint8Array([...bytes.slice(0, i), ...ins, ...bytes.slice(i)])),
  );

const parseOrTyped = <T>(f: () => T): T | undefined => onlyThrows(PkiFormatError, f);

describe('mutated input', () => {
  it('Crl.fromDer throws only PkiFormatError', () => {
    for (const der of crls)
      fc.assert(
        fc.property(mutation(der), (m) => void parseOrTyped(() => Crl.fromDer(m))),
        { numRuns: 150 },
      );
  });

  it('Certificate.fromDer throws only PkiFormatError and validatePath always answers', () => {
    const intermediate = Certificate.fromDer(ca);
    fc.assert(
      fc.property(mutation(ee), mutation(ca), (leafBytes, caBytes) => {
        const leaf = parseOrTyped(() => Certificate.fromDer(leafBytes));
        const mutatedCa = parseOrTyped(() => Certificate.fromDer(caBytes));
        if (!leaf) return;
        const r = validatePath({
          leaf,
          intermediates: [intermediate, ...(mutatedCa ? [mutatedCa] : [])],
          trustAnchors: [anchor],
          validationTime: TIME,
          purpose: 'any',
          algorithmPolicy: PERMISSIVE_ALGORITHM_POLICY,
        });
        expect(typeof r.valid).toBe('boolean');
        expect(r.reasons.every((x) => typeof x.code === 'string')).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('validatePath with mutated CRLs answers with a result', async () => {
    const leaf = Certificate.fromDer(ee);
    const intermediate = Certificate.fromDer(ca);
    await fc.assert(
      fc.asyncProperty(mutation(crls[1]), mutation(crls[0]), async (a, b) => {
        const parsed = [a, b].map((m) => parseOrTyped(() => Crl.fromDer(m))).filter((c): c is Crl => !!c);
        const checker = new CrlRevocationChecker({ crls: parsed, algorithmPolicy: PERMISSIVE_ALGORITHM_POLICY });
        const r = await validatePath({
          leaf,
          intermediates: [intermediate],
          trustAnchors: [anchor],
          validationTime: TIME,
          purpose: 'any',
          algorithmPolicy: PERMISSIVE_ALGORITHM_POLICY,
          revocation: { checker, required: true },
        });
        expect(['TOTAL-PASSED', 'INDETERMINATE', 'TOTAL-FAILED']).toContain(r.indication);
      }),
      { numRuns: 150 },
    );
  });
});
