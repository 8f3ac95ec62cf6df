import * as asn1js from 'asn1js';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as pkijs from 'pkijs';
import '../engine';
import { PkiFormatError } from '../errors';
import { generateSoftwareKey, scenarioCas } from '../devca';
import { Certificate } from './certificate';
import { toArrayBuffer } from '../asn1';
import { readCertificateFast } from './fast-der';
import { DistinguishedName } from './name';
import { PKITS_CERTS } from '../../../../test/conformance/vectors';

/** What the pkijs path reads from a certificate: the fast walk must read exactly this, or decline. */
function viaPkijs(der: Uint8Array) {
  let asn: ReturnType<typeof asn1js.fromBER>;
  let c: pkijs.Certificate;
  try {
    asn = asn1js.fromBER(toArrayBuffer(der)); // may throw RangeError on damaged input
    if (asn.offset === -1) return undefined;
    c = new pkijs.Certificate({ schema: asn.result });
  } catch {
    return undefined;
  }
  const name = (n: pkijs.RelativeDistinguishedNames) => {
    const dn = DistinguishedName.fromPkijs(n);
    return { attributes: dn.attributes, der: Buffer.from(dn.der).toString('hex') };
  };
  return {
    der: Buffer.from(der.subarray(0, asn.offset)).toString('hex'),
    subject: name(c.subject),
    issuer: name(c.issuer),
    serial: Buffer.from(c.serialNumber.valueBlock.valueHexView).toString('hex'),
    notBefore: c.notBefore.value.getTime(),
    notAfter: c.notAfter.value.getTime(),
    spki: Buffer.from(c.subjectPublicKeyInfo.toSchema().toBER(false)).toString('hex'),
    extensions: (c.extensions ?? []).map((e) => ({
      oid: e.extnID,
      critical: e.critical,
      value: Buffer.from(e.extnValue.valueBlock.valueHexView).toString('hex'),
    })),
  };
}

function viaFast(der: Uint8Array) {
  const r = readCertificateFast(der);
  if (!r) return undefined;
  const c = Certificate.fromDer(der);
  const name = (dn: DistinguishedName) => ({ attributes: dn.attributes, der: Buffer.from(dn.der).toString('hex') });
  return {
    der: Buffer.from(r.der).toString('hex'),
    subject: name(c.subject),
    issuer: name(c.issuer),
    serial: Buffer.from(r.serial).toString('hex'),
    notBefore: r.notBefore.getTime(),
    notAfter: r.notAfter.getTime(),
    spki: Buffer.from(r.spki).toString('hex'),
    extensions: r.extensions.map((e) => ({
      oid: e.oid,
      critical: e.critical,
      value: Buffer.from(e.value).toString('hex'),
    })),
  };
}

const PKITS = PKITS_CERTS;
const pkitsCerts = readdirSync(PKITS).map((f) => new Uint8Array(readFileSync(resolve(PKITS, f))));

describe('fast certificate parsing', () => {
  it('reads every PKITS certificate exactly as pkijs does', () => {
    expect(pkitsCerts.length).toBeGreaterThan(300);
    let fast = 0;
    for (const der of pkitsCerts) {
      const f = viaFast(der);
      if (f) {
        fast++;
        expect(f).toEqual(viaPkijs(der));
      }
    }
    expect(fast / pkitsCerts.length).toBeGreaterThan(0.95); // the fast walk is the common path
  });

  it('reads dev CA certificates with Vietnamese names exactly as pkijs does', async () => {
    const { root, sub } = await scenarioCas({ now: new Date() });
    const leaf = await sub.issue({
      subject: { CN: 'Nguyễn Văn Ký', O: 'Sở Nội vụ', C: 'VN' },
      publicKeySpki: generateSoftwareKey('ECDSA-P256-SHA256').publicKeySpki,
      profile: 'person',
    });
    for (const c of [root.certificate, sub.certificate, leaf]) {
      const f = viaFast(c.der);
      expect(f).toBeDefined();
      expect(f).toEqual(viaPkijs(c.der));
    }
    expect(leaf.subject.get('CN')).toBe('Nguyễn Văn Ký');
  });

  it('on damaged certificates either declines or agrees with pkijs, and never accepts what pkijs refuses', () => {
    const samples = pkitsCerts.filter((_, i) => i % 20 === 0);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: samples.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }),
        (k, edits) => {
          const der = new Uint8Array(samples[k]);
          for (const [pos, byte] of edits) der[pos % der.length] = byte;
          const f = viaFast(der);
          const p = viaPkijs(der);
          if (f) expect(f).toEqual(p);
          // the public behaviour is pkijs's: parse or a typed error
          let threw: unknown;
          try {
            Certificate.fromDer(der);
          } catch (e) {
            threw = e;
          }
          if (threw) expect(threw).toBeInstanceOf(PkiFormatError);
          if (p === undefined) expect(threw).toBeDefined();
        },
      ),
      { numRuns: 600 },
    );
  });

  it('builds the pkijs view only on demand, from the same bytes', () => {
    const c = Certificate.fromDer(pkitsCerts[0]);
    expect(Buffer.from(c.pkijs.tbsView).equals(Buffer.from(c.der.subarray(4, 4 + c.pkijs.tbsView.length)))).toBe(true);
    expect(c.extension('2.5.29.19')?.critical).toBe(c.rawExtension('2.5.29.19')?.critical);
  });
});
