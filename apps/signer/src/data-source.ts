import 'reflect-metadata';
import { DataSource, DataSourceOptions } from 'typeorm';
import { postgresOptions } from '@kyso/common';
import { SignatureEventEntity } from './signature-event.entity';
import { CreateSignerSchema1795640000000 } from './migrations/1795640000000-CreateSignerSchema';
import { CreateSignatureEvents1795640000001 } from './migrations/1795640000001-CreateSignatureEvents';
import { CreateSigningEvidence1798040000001 } from './migrations/1798040000001-CreateSigningEvidence';
import { SigningEvidenceEntity } from './signing-evidence.entity';
import { AddSignatureEventAuditFields1798060000001 } from './migrations/1798060000001-AddSignatureEventAuditFields';
import { CreateSignatureBatches1799030000000 } from './migrations/1799030000000-CreateSignatureBatches';
import { StoreEvidenceItemsOnce1799110000000 } from './migrations/1799110000000-StoreEvidenceItemsOnce';

export const SIGNER_SCHEMA = 'signer';

/** The signer's database options, shared by the app (TypeOrmModule) and the migration runner. */
export function signerDataSourceOptions(databaseUrl: string): DataSourceOptions {
  return postgresOptions({
    url: databaseUrl,
    schema: SIGNER_SCHEMA,
    entities: [SignatureEventEntity, SigningEvidenceEntity],
    migrations: [
      CreateSignerSchema1795640000000,
      CreateSignatureEvents1795640000001,
      CreateSigningEvidence1798040000001,
      AddSignatureEventAuditFields1798060000001,
      CreateSignatureBatches1799030000000,
      StoreEvidenceItemsOnce1799110000000,
    ],
  });
}

/** A DataSource for the migration runner and the TypeORM CLI; not initialised. */
export function signerDataSource(databaseUrl: string): DataSource {
  return new DataSource(signerDataSourceOptions(databaseUrl));
}

export async function migrateSigner(databaseUrl: string): Promise<void> {
  const ds = signerDataSource(databaseUrl);
  await ds.initialize();
  try {
    // TypeORM creates its migrations table inside the schema before the first migration runs.
    await ds.query(`CREATE SCHEMA IF NOT EXISTS ${SIGNER_SCHEMA}`);
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
}

/** For the TypeORM CLI (`typeorm -d dist/apps/signer/src/data-source.js migration:run`). */
export default signerDataSource(process.env.KYSO_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kyso');
