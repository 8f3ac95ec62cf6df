import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevCa } from './dev-ca';
import { generateSoftwareKey } from './software-key';

describe('DevCa.issueCrl', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kyso-crl-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, data: string | Uint8Array) => (writeFileSync(join(dir, name), data), join(dir, name));
  const crlText = (der: Uint8Array, ca: DevCa) =>
    execFileSync(
      'openssl',
      [
        'crl',
        '-inform',
        'DER',
        '-in',
        file('c.crl', der),
        '-noout',
        '-text',
        '-verify',
        '-CAfile',
        file('ca.pem', ca.certificate.toPem()),
      ],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );

  it.each(['ECDSA-P256', 'RSA-2048'] as const)(
    'issues a %s CRL openssl verifies, with the recorded revocations, reasons and CRL number',
    async (keyAlgorithm) => {
      const ca = await DevCa.createRoot({ commonName: `CRL ${keyAlgorithm}`, keyAlgorithm });
      const leaf = await ca.issue({
        subject: { CN: 'Hoàng Văn E' },
        publicKeySpki: generateSoftwareKey().publicKeySpki,
        profile: 'person',
        faults: [
          {
            kind: 'revoked',
            at: new Date('2026-01-02T03:04:05Z'),
            reason: 'keyCompromise',
            invalidityDate: new Date('2026-01-01T00:00:00Z'),
          },
        ],
      });
      ca.revoke('00ABCDEF', { revocationDate: new Date('2026-02-01T00:00:00Z'), reason: 'certificateHold' });
      const text = crlText(await ca.issueCrl({ thisUpdate: new Date('2026-03-01T00:00:00Z') }), ca);
      expect(text).toContain(`Serial Number: ${leaf.serialNumberHex}`);
      expect(text).toMatch(
        /Revocation Date: Jan {2}2 03:04:05 2026 GMT\s+CRL entry extensions:\s+X509v3 CRL Reason Code:\s+Key Compromise\s+Invalidity Date:\s+Jan {2}1 00:00:00 2026 GMT/,
      );
      expect(text).toMatch(/Serial Number: ABCDEF[\s\S]*Certificate Hold/);
      expect(text).toMatch(/X509v3 CRL Number:\s+1/);
      expect(text).toContain('Next Update: Mar  8 00:00:00 2026 GMT');
      expect(text).toMatch(/X509v3 Authority Key Identifier:\s+(keyid:)?[0-9A-F:]+/);
    },
  );

  it('issues a delta CRL and an issuing distribution point scope', async () => {
    const ca = await DevCa.createRoot({ commonName: 'CRL delta' });
    const text = crlText(
      await ca.issueCrl({
        revoked: [],
        crlNumber: 7,
        delta: { baseCrlNumber: 5 },
        issuingDistributionPoint: { url: 'http://127.0.0.1:3003/crl/delta', onlyContainsUserCerts: true },
      }),
      ca,
    );
    expect(text).toMatch(/X509v3 Delta CRL Indicator: critical\s+5/);
    expect(text).toMatch(
      /X509v3 Issuing Distribution Point: critical\s+Full Name:\s+URI:http:\/\/127.0.0.1:3003\/crl\/delta\s+Only User Certificates/,
    );
    expect(text).toContain('No Revoked Certificates.');
  });
});
