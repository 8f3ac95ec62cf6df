import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PkiFormatError } from '../../errors';
import { toPem } from '../../asn1';
import { ALL_REASONS } from '../../x509/policy-extensions';
import { DevCa } from '../../devca';
import { Crl } from './crl';
import { PKITS_CRLS } from '../../../../../test/conformance/vectors';

const PKITS = PKITS_CRLS;
const load = (name: string) => Crl.fromDer(readFileSync(resolve(PKITS, `${name}.crl`)));

describe('Crl', () => {
  it('parses every PKITS CRL and keeps the original DER', () => {
    const files = readdirSync(PKITS).filter((f) => f.endsWith('.crl'));
    expect(files).toHaveLength(173);
    for (const f of files) {
      const der = readFileSync(resolve(PKITS, f));
      expect(Buffer.from(Crl.fromDer(der).der).equals(der)).toBe(true);
    }
  });

  it('reads issuer, times, number and entries with reasons', () => {
    const crl = load('GoodCACRL');
    expect(crl.issuer.get('CN')).toBe('Good CA');
    expect(crl.thisUpdate.toISOString()).toBe('2010-01-01T08:30:00.000Z');
    expect(crl.nextUpdate?.toISOString()).toBe('2030-12-31T08:30:00.000Z');
    expect(crl.crlNumber).toBe(1n);
    expect(crl.isDelta).toBe(false);
    expect(crl.entries.length).toBeGreaterThan(0);
    expect(crl.entries[0].reason).toBe('keyCompromise');
  });

  it('keeps negative serials apart from positive ones (PKITS 4.4.14)', () => {
    const crl = load('NegativeSerialNumberCACRL');
    expect(crl.entries.map((e) => e.serialHex)).toEqual(['FF']);
    expect(crl.entriesFor('00FF')).toEqual([]);
  });

  it('reads delta CRL indicators, issuing distribution points and indirect entries', () => {
    expect(load('deltaCRLCA1deltaCRL').baseCrlNumber).toBeDefined();
    const some = load('onlySomeReasonsCA1compromiseCRL').issuingDistributionPoint!;
    expect(some.onlySomeReasons! & ~ALL_REASONS).toBe(0);
    expect(some.onlySomeReasons).toBeGreaterThan(0);
    expect(load('onlyContainsUserCertsCACRL').issuingDistributionPoint?.onlyContainsUserCerts).toBe(true);
    expect(load('indirectCRLCA1CRL').issuingDistributionPoint?.indirectCRL).toBe(true);
    const indirect = load('indirectCRLCA5CRL');
    const issuers = indirect.entries.map((e) => e.certificateIssuer?.[0].directoryName?.get('CN') ?? '(CRL issuer)');
    expect(issuers).toContain('indirectCRL CA6'); // entries after a certificateIssuer inherit it (5.3.3)
    expect(load('UnknownCRLExtensionCACRL').unknownCriticalExtensions.length).toBeGreaterThan(0);
  });

  it('parses PEM', () => {
    const der = readFileSync(resolve(PKITS, 'GoodCACRL.crl'));
    expect(Crl.parse(toPem('X509 CRL', der)).sha256Hex).toBe(Crl.fromDer(der).sha256Hex);
  });

  it('refuses malformed, truncated and oversized input with typed errors', () => {
    const der = readFileSync(resolve(PKITS, 'GoodCACRL.crl'));
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(PkiFormatError);
        return (e as PkiFormatError).code;
      }
      return 'no error';
    };
    expect(code(() => Crl.fromDer(der.subarray(0, der.length - 10)))).toBe('MALFORMED_CRL');
    expect(code(() => Crl.fromDer(Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01)))).toBe('MALFORMED_CRL');
    expect(code(() => Crl.fromDer(new Uint8Array(33 * 1024 * 1024)))).toBe('CRL_TOO_LARGE');
    expect(code(() => Crl.parse('not a crl'))).toBe('NOT_DER_OR_PEM');
  });

  it('refuses a CRL whose version is not v2 (5.1.2.1: INTEGER 1)', async () => {
    const root = await DevCa.createRoot({ commonName: 'CRL Version Root' });
    expect(Crl.fromDer(await root.issueCrl()).crlNumber).toBeDefined();
    for (const versionValue of [0, 2]) {
      const der = await root.issueCrl({ versionValue });
      expect(() => Crl.fromDer(der)).toThrow('Malformed CRL: version');
    }
  });
});
