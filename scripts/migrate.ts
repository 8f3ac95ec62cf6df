import 'reflect-metadata';
import { migrateGateway } from '../apps/gateway/src/data-source';
import { migrateRegistry } from '../apps/registry/src/data-source';
import { migrateSigner } from '../apps/signer/src/data-source';
import { migrateVerifier } from '../apps/verifier/src/data-source';

/** Runs every service's migrations against one database (each service owns its schema). */
export async function migrateAll(databaseUrl: string): Promise<void> {
  await migrateRegistry(databaseUrl);
  await migrateSigner(databaseUrl);
  await migrateVerifier(databaseUrl);
  await migrateGateway(databaseUrl);
}

if (require.main === module) {
  const url = process.env.KYSO_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kyso';
  migrateAll(url).then(
    () => console.log('kyso: migrations applied'),
    (e) => {
      console.error(`kyso: migration failed: ${(e as Error).message}`);
      process.exit(1);
    },
  );
}
