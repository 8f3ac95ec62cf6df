import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevCa, generateSoftwareKey } from '../devca';
import { Certificate } from '../x509/certificate';
import { toPem } from '../asn1';
import { findMissingIssuers, IssuerFetcher, MAX_ISSUER_FETCHES, parseIssuerBundle } from './missing-issuers';
import { validatePath } from './validate-path';

const AT = new Date();
const person = () => ({
  subject: { CN: 'Trần Thị D', O: 'UBND huyện' },
  publicKeySpki: generateSoftwareKey().publicKeySpki,
  profile: 'person' as const,
});

/** An in-memory caIssuers server that counts what it was asked. */
function server(files: Record<string, Uint8Array>): IssuerFetcher & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async fetchCertificates(url) {
      asked.push(url);
      const body = files[url];
      if (!body) throw new Error('HTTP 404');
      return body;
    },
  };
}

/** A certs-only PKCS#7 written by OpenSSL, as CAs publish .p7c files. */
function p7c(...certs: Certificate[]): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'kyso-p7c-'));
  const pem = join(dir, 'in.pem');
  writeFileSync(pem, certs.map((c) => toPem('CERTIFICATE', c.der)).join(''));
  return new Uint8Array(execFileSync('openssl', ['crl2pkcs7', '-nocrl', '-certfile', pem, '-outform', 'DER']));
}

describe('findMissingIssuers (AIA caIssuers)', () => {
  let root: DevCa;
  let sub: DevCa;
  let leaf: Certificate;
  beforeAll(async () => {
    root = await DevCa.createRoot({ commonName: 'AIA Root', caIssuersUrl: 'http://ca.test/root.cer' });
    sub = await root.createSubordinate({ commonName: 'AIA Sub', caIssuersUrl: 'http://ca.test/sub.p7c' });
    leaf = await sub.issue(person());
  });

  it('fetches the intermediate a leaf-only signature lacks, and the path then validates', async () => {
    expect(
      validatePath({ leaf, intermediates: [], trustAnchors: [root.certificate], validationTime: AT }).indication,
    ).not.toBe('TOTAL-PASSED');
    const fetcher = server({ 'http://ca.test/sub.p7c': p7c(sub.certificate) });
    const found = await findMissingIssuers(leaf, [], [root.certificate], fetcher);
    expect(found.fetched.map((f) => f.certificate.sha256Hex)).toEqual([sub.certificate.sha256Hex]);
    expect(found.problems).toEqual([]);
    const result = validatePath({
      leaf,
      intermediates: found.intermediates,
      trustAnchors: [root.certificate],
      validationTime: AT,
    });
    expect(result.indication).toBe('TOTAL-PASSED');
  });

  it('fetches nothing when the chain already reaches an anchor', async () => {
    const fetcher = server({});
    const found = await findMissingIssuers(leaf, [sub.certificate], [root.certificate], fetcher);
    expect(fetcher.asked).toEqual([]);
    expect(found.intermediates).toHaveLength(1);
  });

  it('reports a failed or useless download without throwing, and keeps within its budget', async () => {
    const fetcher = server({ 'http://ca.test/sub.p7c': p7c(leaf) });
    const found = await findMissingIssuers(leaf, [], [root.certificate], fetcher);
    expect(found.fetched).toEqual([]);
    expect(found.problems.join()).toContain('no certificate issued to');
    const missing = await findMissingIssuers(leaf, [], [root.certificate], server({}));
    expect(missing.problems.join()).toContain('HTTP 404');
    expect(MAX_ISSUER_FETCHES).toBeGreaterThan(1);
  });

  it('does not make a path valid with an impostor issuer from a hostile server', async () => {
    const impostor = await DevCa.createRoot({ commonName: 'AIA Sub' });
    const fetcher = server({ 'http://ca.test/sub.p7c': new Uint8Array(impostor.certificate.der) });
    const found = await findMissingIssuers(leaf, [], [root.certificate], fetcher);
    expect(found.fetched).toHaveLength(1);
    const result = validatePath({
      leaf,
      intermediates: found.intermediates,
      trustAnchors: [root.certificate],
      validationTime: AT,
    });
    expect(result.indication).not.toBe('TOTAL-PASSED');
  });

  it('reads DER, PEM and PKCS#7 answers, and refuses garbage', () => {
    expect(parseIssuerBundle(new Uint8Array(sub.certificate.der))[0].sha256Hex).toBe(sub.certificate.sha256Hex);
    expect(parseIssuerBundle(Buffer.from(toPem('CERTIFICATE', sub.certificate.der)))).toHaveLength(1);
    expect(parseIssuerBundle(p7c(sub.certificate, root.certificate))).toHaveLength(2);
    expect(() => parseIssuerBundle(Buffer.from('not a certificate'))).toThrow();
  });
});
