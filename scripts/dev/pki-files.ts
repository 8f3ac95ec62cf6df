import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DevCa } from '@kyso/pki';
import { createDemoPki, DemoPki, devCaUrls } from './demo';

const FILES = ['root.pem', 'root.key.pem', 'subordinate.pem', 'subordinate.key.pem'];

/**
 * The dev PKI kept in a folder (var/dev/pki for the quickstart, a temp dir in tests): created
 * once, reloaded afterwards. Development only: a real CA's keys never leave its HSM.
 */
export async function loadOrCreatePki(dir: string, publicUrl?: string): Promise<DemoPki> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files = FILES.map((f) => join(dir, f));
  if (files.every((f) => existsSync(f))) {
    const [rootCert, rootKey, subCert, subKey] = files.map((f) => readFileSync(f, 'utf8'));
    return {
      root: await DevCa.fromPem(rootCert, rootKey, devCaUrls(publicUrl, 'root.crl')),
      subordinate: await DevCa.fromPem(subCert, subKey, devCaUrls(publicUrl, 'crl', 'ocsp')),
    };
  }
  const pki = await createDemoPki(publicUrl);
  const root = pki.root.toPem();
  const sub = pki.subordinate.toPem();
  writeFileSync(files[0], root.certificatePem);
  writeFileSync(files[1], root.privateKeyPem, { mode: 0o600 });
  writeFileSync(files[2], sub.certificatePem);
  writeFileSync(files[3], sub.privateKeyPem, { mode: 0o600 });
  return pki;
}
