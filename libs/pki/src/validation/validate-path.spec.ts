import * as x509 from '@peculiar/x509';
import { DevCa, generateSoftwareKey } from '../devca';
import { Certificate } from '../x509/certificate';
import { toPem } from '../asn1';
import { buildPaths } from './path-builder';
import { validatePath } from './validate-path';

const T0 = new Date('2025-06-01T00:00:00Z');
const YEARS = (n: number) => new Date(Date.UTC(2024 + n, 0, 1));
const codes = (r: { reasons: { code: string }[] }) => r.reasons.map((x) => x.code);

describe('validatePath', () => {
  let root: DevCa;
  let sub: DevCa;
  let leaf: Certificate;
  const person = () => ({
    subject: { CN: 'Lê Văn C', O: 'Sở Tài chính' },
    publicKeySpki: generateSoftwareKey().publicKeySpki,
    profile: 'person' as const,
  });

  beforeAll(async () => {
    root = await DevCa.createRoot({ commonName: 'Path Root', notBefore: YEARS(0) });
    sub = await root.createSubordinate({ commonName: 'Path Sub', notBefore: YEARS(0), pathLength: 0 });
    leaf = await sub.issue({ ...person(), notBefore: YEARS(0), notAfter: YEARS(2) });
  });

  it('accepts a valid chain and says revocation was not checked', () => {
    const r = validatePath({
      leaf,
      intermediates: [sub.certificate],
      trustAnchors: [root.certificate],
      validationTime: T0,
    });
    expect(r).toMatchObject({ valid: true, indication: 'TOTAL-PASSED', revocation: { checked: false } });
    expect(r.chain.map((c) => c.subject.get('CN'))).toEqual(['Lê Văn C', 'Path Sub', 'Path Root']);
    expect(codes(r)).toEqual(['REVOCATION_NOT_CHECKED']);
    expect(r.reasons[0].messageVi).toMatch(/thu hồi/);
  });

  it('answers NO_CERTIFICATE_CHAIN_FOUND for an unknown root', async () => {
    const other = await DevCa.createRoot({ commonName: 'Other Root' });
    const r = validatePath({
      leaf,
      intermediates: [sub.certificate],
      trustAnchors: [other.certificate],
      validationTime: T0,
    });
    expect(r).toMatchObject({
      valid: false,
      indication: 'INDETERMINATE',
      subIndication: 'NO_CERTIFICATE_CHAIN_FOUND',
      trustAnchor: null,
    });
    expect(codes(r)).toContain('NO_CERTIFICATE_CHAIN_FOUND');
    // Same name, other key: the name matches but the key identifiers do not.
    const impostor = await DevCa.createRoot({ commonName: 'Path Root', notBefore: YEARS(0) });
    expect(
      validatePath({ leaf, intermediates: [sub.certificate], trustAnchors: [impostor.certificate], validationTime: T0 })
        .subIndication,
    ).toBe('NO_CERTIFICATE_CHAIN_FOUND');
  });

  it('reports an expired and a not-yet-valid leaf at the validation time', () => {
    const opts = { leaf, intermediates: [sub.certificate], trustAnchors: [root.certificate] };
    const late = validatePath({ ...opts, validationTime: YEARS(3) });
    expect(late).toMatchObject({ valid: false, indication: 'INDETERMINATE', subIndication: 'EXPIRED' });
    expect(late.reasons[0]).toMatchObject({ code: 'EXPIRED', certificateIndex: 0 });
    const early = validatePath({ ...opts, validationTime: new Date('2023-12-31T23:59:59Z') });
    expect(early.subIndication).toBe('NOT_YET_VALID');
    // Inclusive bound (RFC 5280 4.1.2.5)
    expect(validatePath({ ...opts, validationTime: leaf.notAfter }).valid).toBe(true);
  });

  it('refuses an issuer without cA, without keyCertSign, and a broken pathLen', async () => {
    const key = generateSoftwareKey('ECDSA-P256-SHA256');
    const notCa = await root.issue({
      subject: { CN: 'Not a CA' },
      publicKeySpki: key.publicKeySpki,
      profile: 'device',
      keyUsage: ['digitalSignature'],
    });
    const fakeCa = await DevCa.fromPem(
      notCa.toPem(),
      toPem('PRIVATE KEY', new Uint8Array(key.privateKey.export({ type: 'pkcs8', format: 'der' }))),
    );
    const victim = await fakeCa.issue(person());
    const r = validatePath({
      leaf: victim,
      intermediates: [notCa],
      trustAnchors: [root.certificate],
      validationTime: new Date(),
    });
    expect(r).toMatchObject({ valid: false, indication: 'INDETERMINATE', subIndication: 'CHAIN_CONSTRAINTS_FAILURE' });
    expect(codes(r)).toEqual(expect.arrayContaining(['ISSUER_NOT_CA', 'ISSUER_KEY_USAGE_NO_CERT_SIGN']));
    expect(r.reasons.find((x) => x.code === 'ISSUER_NOT_CA')?.certificateIndex).toBe(1);

    const below = await sub.createSubordinate({ commonName: 'Below pathLen 0' });
    const deep = await below.issue(person());
    const d = validatePath({
      leaf: deep,
      intermediates: [below.certificate, sub.certificate],
      trustAnchors: [root.certificate],
      validationTime: new Date(),
    });
    expect(codes(d)).toContain('PATH_LENGTH_EXCEEDED');
  });

  it('refuses an unknown critical extension and a leaf key usage that cannot sign documents', async () => {
    const odd = await sub.issue({
      ...person(),
      extraExtensions: [new x509.Extension('1.3.6.1.4.1.99999.7', true, new Uint8Array([5, 0]))],
    });
    const r = validatePath({
      leaf: odd,
      intermediates: [sub.certificate],
      trustAnchors: [root.certificate],
      validationTime: new Date(),
    });
    expect(r.subIndication).toBe('CHAIN_CONSTRAINTS_FAILURE');
    expect(r.reasons[0]).toMatchObject({ code: 'UNKNOWN_CRITICAL_EXTENSION', detail: '1.3.6.1.4.1.99999.7' });

    const enc = await sub.issue({ ...person(), keyUsage: ['keyEncipherment'] });
    const opts = {
      leaf: enc,
      intermediates: [sub.certificate],
      trustAnchors: [root.certificate],
      validationTime: new Date(),
    };
    expect(codes(validatePath(opts))).toContain('KEY_USAGE_NOT_FOR_SIGNING');
    expect(validatePath({ ...opts, purpose: 'any' }).valid).toBe(true);
  });

  it('detects a forged signature even when names and key identifiers chain', async () => {
    const bytes = new Uint8Array(leaf.der);
    bytes[bytes.length - 5] ^= 0x01; // inside the signature value
    const forged = Certificate.fromDer(bytes);
    const r = validatePath({
      leaf: forged,
      intermediates: [sub.certificate],
      trustAnchors: [root.certificate],
      validationTime: T0,
    });
    expect(r).toMatchObject({ valid: false, subIndication: 'CERTIFICATE_CHAIN_GENERAL_FAILURE' });
    expect(r.reasons[0]).toMatchObject({ code: 'CERTIFICATE_SIGNATURE_INVALID', certificateIndex: 0 });
  });

  it('terminates on a loop of two cross-signed CAs and still finds the way out', async () => {
    const a = await DevCa.createRoot({ commonName: 'Cross A' });
    const b = await DevCa.createRoot({ commonName: 'Cross B' });
    const aByB = await b.crossCertify(a);
    const bByA = await a.crossCertify(b);
    const leafOfA = await a.issue(person());
    const unrelated = await DevCa.createRoot({ commonName: 'Unrelated' });
    const started = Date.now();
    expect(buildPaths(leafOfA, [aByB, bByA], [unrelated.certificate])).toEqual([]);
    const r = validatePath({
      leaf: leafOfA,
      intermediates: [aByB, bByA],
      trustAnchors: [unrelated.certificate],
      validationTime: new Date(),
    });
    expect(r.subIndication).toBe('NO_CERTIFICATE_CHAIN_FOUND');
    expect(Date.now() - started).toBeLessThan(10_000); // a guard against runaway path building, not a speed measure
    // Trusting B: leaf -> A (cross-certified by B) -> B
    const viaB = validatePath({
      leaf: leafOfA,
      intermediates: [bByA, aByB],
      trustAnchors: [b.certificate],
      validationTime: new Date(),
    });
    expect(viaB.valid).toBe(true);
    expect(viaB.chain.map((c) => c.sha256Hex)).toEqual([leafOfA.sha256Hex, aByB.sha256Hex, b.certificate.sha256Hex]);
  });

  it('tries an alternative path when the first candidate fails', async () => {
    // Two certificates for the same sub CA key: one expired, one current. Both chain by name and key id.
    const expiredSub = await root.crossCertify(sub, { notBefore: YEARS(-5), notAfter: YEARS(-4) });
    const r = validatePath({
      leaf,
      intermediates: [expiredSub, sub.certificate],
      trustAnchors: [root.certificate],
      validationTime: T0,
    });
    expect(r.valid).toBe(true);
    expect(r.chain[1].sha256Hex).toBe(sub.certificate.sha256Hex);
  });
});
