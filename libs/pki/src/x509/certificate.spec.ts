import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevCa } from '../devca';
import { Certificate, INTERNED } from './certificate';

describe('Certificate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kyso-cert-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'k.pem'),
      '-out',
      join(dir, 'c.pem'),
      '-subj',
      '/C=VN/O=Sở Nội vụ/CN=Nguyễn Văn A',
      '-utf8',
      '-days',
      '10',
      '-set_serial',
      '0x0A1B',
    ],
    { stdio: 'ignore' },
  );
  const pem = readFileSync(join(dir, 'c.pem'), 'utf8');

  it('parses PEM with Vietnamese UTF-8 names and keeps the original DER', () => {
    const c = Certificate.parse(pem);
    expect(c.subject.get('CN')).toBe('Nguyễn Văn A');
    expect(c.subject.get('O')).toBe('Sở Nội vụ');
    expect(c.serialNumberHex).toBe('0A1B');
    const fp = execFileSync('openssl', [
      'x509',
      '-in',
      join(dir, 'c.pem'),
      '-noout',
      '-fingerprint',
      '-sha256',
    ]).toString();
    expect(fp.split('=')[1].trim().replace(/:/g, '')).toBe(c.sha256Hex);
    expect(c.isSelfIssued).toBe(true);
    expect(Certificate.parse(c.der).sha256Hex).toBe(c.sha256Hex);
  });

  it('rejects garbage with a typed error', () => {
    expect(() => Certificate.parse('hello')).toThrow(expect.objectContaining({ code: 'NOT_DER_OR_PEM' }));
    expect(() => Certificate.parse(new Uint8Array([0x30, 0x82, 0x01]))).toThrow(
      expect.objectContaining({ code: 'MALFORMED_CERTIFICATE' }),
    );
  });
});

describe('Certificate.fromDer interning', () => {
  it('gives one object per DER, another for other bytes, and stays within its bound', async () => {
    const ca = await DevCa.createRoot({ commonName: 'Intern Root' });
    const der = ca.certificate.der;
    const a = Certificate.fromDer(new Uint8Array(der));
    const b = Certificate.fromDer(Uint8Array.from([...der, 0, 0])); // trailing bytes are not the certificate
    expect(b).toBe(a);
    const other = await DevCa.createRoot({ commonName: 'Intern Root' });
    expect(Certificate.fromDer(new Uint8Array(other.certificate.der))).not.toBe(a);
    const tampered = new Uint8Array(der);
    tampered[tampered.length - 1] ^= 1; // the signature's last byte: still a certificate, not the same one
    const t = Certificate.fromDer(tampered);
    expect(t).not.toBe(a);
    expect(t.sha256Hex).not.toBe(a.sha256Hex);
    const max = INTERNED.maxEntries;
    try {
      INTERNED.resize(1);
      Certificate.fromDer(new Uint8Array(der));
      expect(INTERNED.size).toBe(1);
    } finally {
      INTERNED.resize(max);
    }
  });
});
