import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryKeyStore } from '@kyso/keystore';
import { createTestDatabase } from '../../../test/support/db';
import type { DemoPki } from '../../../scripts/dev/demo';
import { loadOrCreatePki } from '../../../scripts/dev/pki-files';
import { migrateRegistry } from '../src/data-source';
import { SignerStub } from './signer-stub';
import { RunningRegistry, startRegistryOn, trustCa } from './support';

export interface LifecycleStack {
  reg: RunningRegistry;
  pki: DemoPki;
  /** Keys the tests certify; the stub signer signs letters with them. */
  keyStore: MemoryKeyStore;
  signer: SignerStub;
  close(): Promise<void>;
}

/**
 * The registry (dev CA connector, its CA in a temp dir) on a throwaway database, with a stub
 * signer over HTTP that signs request letters with in-memory keys: what the request letter and
 * the dev CA need, without starting the signer app.
 */
export async function startLifecycleStack(): Promise<LifecycleStack> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  try {
    const db = await createTestDatabase('kyso_lifecycle');
    cleanups.push(db.drop);
    await migrateRegistry(db.url);
    const caDir = mkdtempSync(join(tmpdir(), 'kyso-devca-'));
    cleanups.push(async () => rmSync(caDir, { recursive: true, force: true }));
    const pki = await loadOrCreatePki(caDir);
    const internalToken = randomBytes(24).toString('hex');
    const keyStore = new MemoryKeyStore('kyso-lifecycle');
    let registryUrl = '';
    const signer = await new SignerStub(internalToken, keyStore, () => registryUrl).start();
    cleanups.push(() => signer.stop());
    const reg = await startRegistryOn(db.url, internalToken, {
      caConnector: 'dev',
      devCaDir: caDir,
      signerUrl: signer.url,
    });
    registryUrl = reg.url;
    reg.signer = signer;
    cleanups.push(() => reg.app.close());
    await trustCa(reg, pki.root.certificate.toPem());
    return { reg, pki, keyStore, signer, close };
  } catch (e) {
    await close();
    throw e;
  }
}
