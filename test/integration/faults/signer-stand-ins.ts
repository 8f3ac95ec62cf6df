import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KeyInfo } from '@kyso/keystore';
import { DevCa } from '@kyso/pki/devca';
import { startRegistryStub } from '../../../apps/signer/test/registry-stub';
import { stubCertificate } from '../../../apps/signer/test/support';

/**
 * The services a child signer talks to, for one official's key on the test token: the registry
 * stand-in authorising `cert-a` (PIN 1234) and a verifier stand-in whose pre-signing check passes
 * the certificate (with a real CRL as evidence), both on loopback.
 */
export async function startSignerStandIns(internalToken: string, officialId: string, key: KeyInfo) {
  const root = await DevCa.createRoot({ commonName: 'Kyso Fault Test Root CA' });
  const cert = await root.issue({
    subject: { CN: 'Nguyen Van A', O: 'So Noi vu', C: 'VN' },
    publicKeySpki: key.publicKeySpki,
    profile: 'person',
  });
  const registry = await startRegistryStub(internalToken, [
    stubCertificate('cert-a', officialId, cert, key.ref.uri, [root.certificate]),
  ]);
  const crl = Buffer.from(await root.issueCrl()).toString('base64');
  const verifier = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/health') return void res.end(JSON.stringify({ status: 'ok' }));
    res.end(
      JSON.stringify({
        indication: 'TOTAL-PASSED',
        reasons: [],
        evidence: { certificatesPem: [cert.toPem(), root.certificate.toPem()], crls: [crl], ocsps: [] },
        checkedAt: new Date().toISOString(),
      }),
    );
  });
  await new Promise<void>((r) => verifier.listen(0, '127.0.0.1', r));
  return {
    registry,
    verifierUrl: `http://127.0.0.1:${(verifier.address() as AddressInfo).port}`,
    async close(): Promise<void> {
      await registry.close();
      await new Promise((r) => verifier.close(r));
    },
  };
}
