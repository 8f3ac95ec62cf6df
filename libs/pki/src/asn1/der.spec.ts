import { execFileSync } from 'node:child_process';
import { children, decodeOid, decodeTime, oid, readTlv, setOf, time, tlvValue } from '.';

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
