import { execFileSync } from 'node:child_process';
import { DevCa } from '../devca';
import { Crl } from '../revocation/crl';
import { Certificate } from '../x509/certificate';
import {
  assertDer,
  children,
  decodeOid,
  decodeTime,
  der,
  oid,
  readTlv,
  seq,
  setOf,
  TAG,
  time,
  tlvBytes,
  tlvValue,
} from '.';

describe('DER helpers', () => {
  it('encodes OIDs as openssl does and reads them back', () => {
    for (const dotted of [
      '1.2.840.113549.1.9.16.2.47',
      '2.16.840.1.101.3.4.2.1',
      '1.3.6.1.4.1.311.10.3.12',
      '2.5.29.37.0',
    ]) {
      const der = oid(dotted);
      const asn1 = execFileSync('openssl', ['asn1parse', '-inform', 'DER'], {
        input: Buffer.from(der),
        encoding: 'utf8',
      });
      expect(asn1).toMatch(/OBJECT/);
      expect(decodeOid(tlvValue(der, readTlv(der)))).toBe(dotted);
    }
  });

  it('uses UTCTime until 2049 and GeneralizedTime from 2050 (RFC 5280 4.1.2.5)', () => {
    for (const iso of ['2026-11-25T18:00:01.000Z', '2050-01-01T00:00:00.000Z', '1999-12-31T23:59:59.000Z']) {
      const der = time(new Date(iso));
      expect(der[0]).toBe(iso.startsWith('2050') ? 0x18 : 0x17);
      expect(decodeTime(der[0], tlvValue(der, readTlv(der)))?.toISOString()).toBe(iso);
    }
  });

  it('sorts SET OF by encoding and refuses indefinite or overlong lengths', () => {
    const set = setOf([Uint8Array.of(0x04, 1, 0xff), Uint8Array.of(0x02, 1, 5), Uint8Array.of(0x04, 1, 0x01)]);
    expect(children(set, readTlv(set)).map((c) => set[c.valueStart])).toEqual([5, 0x01, 0xff]);
    expect(() => readTlv(Uint8Array.of(0x30, 0x80, 0, 0))).toThrow(expect.objectContaining({ code: 'MALFORMED_DER' }));
    expect(() => readTlv(Uint8Array.of(0x30, 0x05, 1))).toThrow(expect.objectContaining({ code: 'MALFORMED_DER' }));
  });
});

describe('strict DER for certificates and CRLs', () => {
  const malformed = (code: string) => expect.objectContaining({ code });

  it('refuses what DER forbids and BER allows', () => {
    for (const bad of [
      [0x02, 0x02, 0x00, 0x01], // INTEGER 1 with a redundant leading zero
      [0x02, 0x02, 0xff, 0x80], // INTEGER -128 with a redundant leading FF
      [0x02, 0x00], // empty INTEGER
      [0x01, 0x01, 0x01], // BOOLEAN TRUE that is not FF
      [0x30, 0x81, 0x03, 0x02, 0x01, 0x05], // long-form length for 3
      [0x30, 0x82, 0x00, 0x03, 0x02, 0x01, 0x05], // length with a leading zero octet
      [0x24, 0x03, 0x04, 0x01, 0x41], // constructed OCTET STRING
      [0x30, 0x80, 0x02, 0x01, 0x05, 0x00, 0x00], // indefinite length
    ])
      expect(() => assertDer(Uint8Array.from(bad))).toThrow(malformed('MALFORMED_DER'));
    expect(() => assertDer(Uint8Array.of(0x30, 0x06, 0x02, 0x01, 0x80 - 1, 0x01, 0x01, 0xff))).not.toThrow();
    expect(() => assertDer(Uint8Array.of(0x02, 0x02, 0x00, 0x80))).not.toThrow(); // 128 needs its 00
  });

  it('refuses a certificate whose serial number has an illegal leading zero, and a CRL in BER', async () => {
    const ca = await DevCa.createRoot({ commonName: 'DER Root' });
    const cert = ca.certificate.der;
    const [tbsT, algT, sigT] = children(cert, readTlv(cert));
    const items = children(cert, tbsT);
    const serial = tlvValue(cert, items[1]);
    const padded = Buffer.concat([Buffer.of(0), serial[0] & 0x80 ? Buffer.of(0) : Buffer.alloc(0), serial]);
    const tbs = seq(
      tlvBytes(cert, items[0]),
      der(TAG.INTEGER, padded),
      ...items.slice(2).map((t) => tlvBytes(cert, t)),
    );
    const forged = seq(tbs, tlvBytes(cert, algT), tlvBytes(cert, sigT));
    expect(() => Certificate.fromDer(forged)).toThrow(malformed('MALFORMED_CERTIFICATE'));
    expect(Certificate.fromDer(cert).sha256Hex).toBe(ca.certificate.sha256Hex);

    const crl = await ca.issueCrl({ thisUpdate: new Date() });
    const top = readTlv(crl);
    const inner = crl.subarray(top.valueStart);
    const longForm = Buffer.concat([Buffer.of(0x30, 0x84, ...Buffer.alloc(4)), inner]);
    longForm.writeUInt32BE(inner.length, 2);
    expect(Crl.fromDer(crl).entries).toEqual([]);
    expect(() => Crl.fromDer(longForm)).toThrow(malformed('MALFORMED_CRL'));
  });
});
