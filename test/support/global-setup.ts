import { Client } from 'pg';
import { createConnection } from 'node:net';

/** Fails fast, with a clear message, when a real component the tests need is missing. */
export default async function globalSetup(): Promise<void> {
  const admin = new Client({
    connectionString: process.env.KYSO_TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  });
  try {
    await admin.connect();
    await admin.end();
  } catch (e) {
    throw new Error(
      `PostgreSQL is not reachable for the tests: ${(e as Error).message}. Run scripts/ensure-services.sh`,
    );
  }
  await new Promise<void>((resolve, reject) => {
    const s = createConnection({ host: '127.0.0.1', port: 6379 }, () => {
      s.end();
      resolve();
    });
    s.on('error', (e) => reject(new Error(`Redis is not reachable for the tests: ${e.message}`)));
  });
}
