import { Client } from 'pg';
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { SOFTHSM_MODULE } from './token';

/** What starts or installs the missing component (npm test runs it first). */
const FIX = 'Run `bash scripts/lib/ensure-system.sh` (npm test does) to install and start it.';

/**
 * Fails fast, with a clear message, when a real component the integration and e2e tiers need is
 * missing (jest.config.js: the unit and conformance tiers need none and skip this).
 */
export default async function globalSetup(): Promise<void> {
  const admin = new Client({
    connectionString: process.env.KYSO_TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  });
  try {
    await admin.connect();
    await admin.end();
  } catch (e) {
    throw new Error(`PostgreSQL is not reachable for the tests: ${(e as Error).message}. ${FIX}`);
  }
  await new Promise<void>((resolve, reject) => {
    const s = createConnection({ host: '127.0.0.1', port: 6379 }, () => {
      s.end();
      resolve();
    });
    s.on('error', (e) => reject(new Error(`Redis is not reachable for the tests: ${e.message}. ${FIX}`)));
  });
  if (!existsSync(SOFTHSM_MODULE))
    throw new Error(`The SoftHSM2 PKCS#11 module ${SOFTHSM_MODULE} is missing (package softhsm2). ${FIX}`);
}
