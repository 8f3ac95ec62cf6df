import { randomBytes } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createTestDatabase } from '../../../test/support/db';
import { createVerifierApp } from '../src/app';
import { EvidenceSealer } from '../src/evidence/evidence-sealer';
import type { VerifierConfig } from '../src/config';
import { migrateVerifier } from '../src/data-source';
import { startVerifierWorker, VerifierWorkerHandle } from '../src/worker';
import { RegistryStub } from './registry-stub';
import { RevocationServer } from './revocation-server';
import { dropQueueKeys, testVerifierConfig } from './support';

/** What a spec sets itself; the database, registry and queue prefix come from the stack. */
export type StackConfig = Omit<Parameters<typeof testVerifierConfig>[0], 'databaseUrl' | 'registryUrl' | 'queuePrefix'>;

/**
 * A whole verifier for API tests: its own migrated database, the registry stand-in, a CRL/OCSP
 * server (unless the spec needs none), the API on a loopback port and a worker, all on a Redis
 * prefix of their own. Created in the describe body, started in beforeAll, stopped in afterAll.
 */
export class VerifierStack {
  readonly registry = new RegistryStub();
  readonly server = new RevocationServer();
  readonly prefix: string;
  db!: { url: string; drop: () => Promise<void> };
  config!: VerifierConfig;
  app!: NestExpressApplication;
  worker!: VerifierWorkerHandle;
  /** The API's base URL (IPv4, as supertest needs). */
  base!: string;

  constructor(
    label = '',
    private readonly withRevocationServer = true,
  ) {
    this.prefix = `kyso-test-${label ? `${label}-` : ''}${randomBytes(4).toString('hex')}`;
  }

  async start(database: string, config: StackConfig): Promise<this> {
    this.db = await createTestDatabase(database);
    await migrateVerifier(this.db.url);
    await this.registry.start();
    if (this.withRevocationServer) await this.server.start();
    this.config = testVerifierConfig({
      databaseUrl: this.db.url,
      registryUrl: this.registry.url,
      queuePrefix: this.prefix,
      ...config,
    });
    this.app = await createVerifierApp(this.config);
    await this.app.listen(0, '127.0.0.1');
    this.base = (await this.app.getUrl()).replace('[::1]', '127.0.0.1');
    this.worker = await startVerifierWorker(this.config);
    return this;
  }

  /** Seals now what the API's fast path kept so far (it seals off the request path, after a linger). */
  sealNow(): Promise<void> {
    return this.app.get(EvidenceSealer).idle();
  }

  async stop(): Promise<void> {
    await this.worker?.close();
    await this.app?.close();
    if (this.withRevocationServer) await this.server.stop();
    await this.registry.stop();
    await this.db?.drop();
    await dropQueueKeys(`${this.prefix}:*`);
  }
}
