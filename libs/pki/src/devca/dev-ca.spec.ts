import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { basicConstraints, extendedKeyUsage, keyUsage } from '../x509/extensions';
import { DevCa } from './dev-ca';
import { generateSoftwareKey } from './software-key';

const openssl = (...args: string[]) =>
  execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('DevCa', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kyso-devca-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  it.each(['RSA-2048', 'ECDSA-P256'] as const)(
    'issues a %s root, subordinate and person certificate that openssl verifies',
    async (keyAlgorithm) => {
      const root = await DevCa.createRoot({ commonName: 'Kyso Dev Root', organization: 'Kyso', keyAlgorithm });
      const sub = await root.createSubordinate({
        commonName: 'Kyso Dev Government CA',
        keyAlgorithm,
        pathLength: 0,
        crlUrls: ['http://127.0.0.1:3003/crl'],
        ocspUrl: 'http://127.0.0.1:3003/ocsp',
      });
      const key = generateSoftwareKey('RSASSA-PKCS1-v1_5-SHA256');
      const leaf = await sub.issue({
        subject: {
          CN: 'Nguyễn Văn A',
          O: 'Sở Nội vụ',
          OU: ['Văn phòng'],
          title: 'Giám đốc',
          E: 'a@example.vn',
          C: 'VN',
        },
        publicKeySpki: key.publicKeySpki,
        profile: 'person',
      });
      const rootPem = write(`root-${keyAlgorithm}.pem`, root.certificate.toPem());
      const subPem = write(`sub-${keyAlgorithm}.pem`, sub.certificate.toPem());
      const leafPem = write(`leaf-${keyAlgorithm}.pem`, leaf.toPem());
      expect(openssl('verify', '-CAfile', rootPem, '-untrusted', subPem, leafPem)).toContain(': OK');

      const text = openssl('x509', '-in', leafPem, '-noout', '-text', '-nameopt', 'utf8');
      expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Non Repudiation/);
      expect(text).toContain('E-mail Protection, 1.3.6.1.4.1.311.10.3.12, 1.3.6.1.5.5.7.3.36');
      expect(text).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
      expect(text).toContain('Subject Key Identifier');
      expect(text).toContain('Authority Key Identifier');
      expect(text).toContain('URI:http://127.0.0.1:3003/crl');
      expect(text).toContain('OCSP - URI:http://127.0.0.1:3003/ocsp');
      expect(text).toContain('Nguyễn Văn A');
      const subText = openssl('x509', '-in', subPem, '-noout', '-text');
      expect(subText).toMatch(/CA:TRUE, pathlen:0/);
      expect(subText).toMatch(/Certificate Sign, CRL Sign/);

      expect(leaf.subject.get('title')).toBe('Giám đốc');
      expect(keyUsage(leaf)).toEqual(new Set(['digitalSignature', 'nonRepudiation']));
      expect(extendedKeyUsage(leaf)).toEqual(['1.3.6.1.5.5.7.3.4', '1.3.6.1.4.1.311.10.3.12', '1.3.6.1.5.5.7.3.36']);
      expect(basicConstraints(sub.certificate)).toEqual({ cA: true, pathLenConstraint: 0 });
      expect(leaf.issuer.der).toEqual(sub.certificate.subject.der);
    },
  );

  it('reloads from PEM and keeps issuing under the same key', async () => {
    const root = await DevCa.createRoot({ commonName: 'Kyso Reload Root' });
    const { certificatePem, privateKeyPem } = root.toPem();
    expect(privateKeyPem).toContain('BEGIN PRIVATE KEY');
    const again = await DevCa.fromPem(certificatePem, privateKeyPem);
    const leaf = await again.issue({
      subject: { CN: 'Thiết bị 1' },
      publicKeySpki: generateSoftwareKey().publicKeySpki,
      profile: 'device',
    });
    expect(
      openssl(
        'verify',
        '-CAfile',
        write('reload-root.pem', certificatePem),
        '-purpose',
        'any',
        write('reload-leaf.pem', leaf.toPem()),
      ),
    ).toContain(': OK');
    const other = await DevCa.createRoot({ commonName: 'Other' });
    await expect(DevCa.fromPem(certificatePem, other.toPem().privateKeyPem)).rejects.toThrow(/does not match/);
  });

  it('lets a test add an unknown critical extension (hook for failure switches)', async () => {
    const root = await DevCa.createRoot({ commonName: 'Kyso Ext Root' });
    const leaf = await root.issue({
      subject: { CN: 'X' },
      publicKeySpki: generateSoftwareKey().publicKeySpki,
      profile: 'person',
      extraExtensions: [new x509.Extension('1.3.6.1.4.1.99999.1', true, new Uint8Array([0x05, 0x00]))],
    });
    expect(leaf.extension('1.3.6.1.4.1.99999.1')?.critical).toBe(true);
  });
});
