import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Pkcs11KeyStore } from '@kyso/keystore';
import { createTestDatabase } from '../../../test/support/db';
import { createActiveTestToken } from '../../../test/support/token';
import type { DemoPki } from '../../../scripts/dev/demo';
import { loadOrCreatePki } from '../../../scripts/dev/pki-files';
import { freePort } from '../../../test/support/ports';
/* eslint-disable no-restricted-imports -- issue 9: the letter flow must reach a signer over HTTP, not the signer's sources */
import { createSignerApp } from '../../signer/src/app';
import { migrateSigner } from '../../signer/src/data-source';
/* eslint-enable no-restricted-imports */
import { migrateRegistry } from '../src/data-source';
import { RunningRegistry, startRegistryOn } from './support';

export interface LifecycleStack {
  reg: RunningRegistry;
  pki: DemoPki;
  keyStore: Pkcs11KeyStore;
  tokenLabel: string;
  close(): Promise<void>;
}

/**
 * The registry (dev CA connector, its CA in a temp dir) and the real signer in-process on a
 * throwaway database and SoftHSM2 token: what the request letter and the dev CA need.
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
    await migrateSigner(db.url);
    const token = await createActiveTestToken();
    cleanups.push(token.remove);
    const caDir = mkdtempSync(join(tmpdir(), 'kyso-devca-'));
    cleanups.push(async () => rmSync(caDir, { recursive: true, force: true }));
    const pki = await loadOrCreatePki(caDir);
    const internalToken = randomBytes(24).toString('hex');
    const signerPort = await freePort();
    const reg = await startRegistryOn(db.url, internalToken, {
      caConnector: 'dev',
      devCaDir: caDir,
      signerUrl: `http://127.0.0.1:${signerPort}`,
    });
    cleanups.push(() => reg.app.close());
    const pkcs11 = { modulePath: token.modulePath, tokenLabel: token.label, pin: token.pin, poolSize: 2 };
    const keyStore = await Pkcs11KeyStore.open(pkcs11);
    cleanups.push(() => keyStore.close());
    const signer: NestExpressApplication = await createSignerApp(
      {
        databaseUrl: db.url,
        redisUrl: 'redis://127.0.0.1:6379',
        internalToken,
        host: '127.0.0.1',
        port: signerPort,
        registryUrl: reg.url,
        pkcs11,
        maxPdfBytes: 10 * 1024 * 1024,
      },
      { keyStore },
    );
    cleanups.push(() => signer.close());
    await signer.listen(signerPort, '127.0.0.1');
    return { reg, pki, keyStore, tokenLabel: token.label, close };
  } catch (e) {
    await close();
    throw e;
  }
}
