import { createTestDatabase } from '../../../test/support/db';
import { createVerifierApp } from '../src/app';
import { startVerifierWorker } from '../src/worker';
import { testVerifierConfig } from './support';

/** Nothing listens on port 1: the database is unreachable. */
const UNREACHABLE = 'postgres://postgres@127.0.0.1:1/kyso';

describe('verifier boot', () => {
  const config = (databaseUrl: string) =>
    testVerifierConfig({
      databaseUrl,
      registryUrl: 'http://127.0.0.1:1',
      maxUploadBytes: 1024,
      queuePrefix: 'kyso:test:boot',
      workerConcurrency: 1,
      jobAttempts: 1,
    });

  it('the API and the worker refuse to start, with the driver error, when the database is unreachable', async () => {
    await expect(createVerifierApp(config(UNREACHABLE))).rejects.toThrow(/ECONNREFUSED/);
    await expect(startVerifierWorker(config(UNREACHABLE))).rejects.toThrow(/ECONNREFUSED/);
  });

  it('the API and the worker start and close on a reachable database', async () => {
    const db = await createTestDatabase('kyso_boot');
    try {
      const app = await createVerifierApp(config(db.url));
      await app.close();
      const worker = await startVerifierWorker(config(db.url));
      await worker.close();
    } finally {
      await db.drop();
    }
  });
});
