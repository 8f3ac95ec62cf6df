import 'reflect-metadata';
import { DataSource, DataSourceOptions } from 'typeorm';
import { postgresOptions } from '@kyso/common';
import { ValidationEntity } from './validation.entity';
import { CreateVerifierSchema1795630000000 } from './migrations/1795630000000-CreateVerifierSchema';
import { CreateValidationTable1795630000001 } from './migrations/1795630000001-CreateValidationTable';
import { CreateRevocationCache1795630000002 } from './migrations/1795630000002-CreateRevocationCache';
import { CreateValidationEvidence1795630000003 } from './migrations/1795630000003-CreateValidationEvidence';
import { CreateCaIssuersCache1795630000004 } from './migrations/1795630000004-CreateCaIssuersCache';
import { RecordValidationOwner1795630000005 } from './migrations/1795630000005-RecordValidationOwner';
import { NotifyRevocationCacheChanges1799210000000 } from './migrations/1799210000000-NotifyRevocationCacheChanges';
import { NotifyEvidenceChanges1799320000000 } from './migrations/1799320000000-NotifyEvidenceChanges';
import { StoreEvidenceDersOnce1799400000000 } from './migrations/1799400000000-StoreEvidenceDersOnce';
import { CheaperEvidenceTriggers1799500000000 } from './migrations/1799500000000-CheaperEvidenceTriggers';
import { CheaperEvidenceStorage1799500000001 } from './migrations/1799500000001-CheaperEvidenceStorage';
import { HotEvidenceSeals1799620000000 } from './migrations/1799620000000-HotEvidenceSeals';
import { OneDocumentIndexForEvidence1799620000001 } from './migrations/1799620000001-OneDocumentIndexForEvidence';
import { IndexEvidenceProofs1799250000000 } from './migrations/1799250000000-IndexEvidenceProofs';
import { CreateOcspCache1798100000001 } from './migrations/1798100000001-CreateOcspCache';
import { CreateTrustStore1799050000000 } from './migrations/1799050000000-CreateTrustStore';
import { RecordValidationKindAndResult1799070000001 } from './migrations/1799070000001-RecordValidationKindAndResult';
import { AddValidationCallback1799040000001 } from './migrations/1799040000001-AddValidationCallback';
import { EvidencePerInboundDocument1799120000000 } from './migrations/1799120000000-EvidencePerInboundDocument';
import { CreateValidationDocumentParts1799150000000 } from './migrations/1799150000000-CreateValidationDocumentParts';
import { CaIssuersCacheEntity } from './revocation/ca-issuers-cache.entity';
import { CrlCacheEntity } from './revocation/crl-cache.entity';
import { EvidenceEntity } from './evidence/evidence.entity';

export const VERIFIER_SCHEMA = 'verifier';
export const VERIFIER_ENTITIES = [ValidationEntity, CrlCacheEntity, CaIssuersCacheEntity, EvidenceEntity];

/** The verifier's database options, shared by the app, the worker (TypeOrmModule) and the migration runner. */
export function verifierDataSourceOptions(databaseUrl: string): DataSourceOptions {
  return postgresOptions({
    url: databaseUrl,
    schema: VERIFIER_SCHEMA,
    entities: VERIFIER_ENTITIES,
    migrations: [
      CreateVerifierSchema1795630000000,
      CreateValidationTable1795630000001,
      CreateRevocationCache1795630000002,
      CreateValidationEvidence1795630000003,
      CreateCaIssuersCache1795630000004,
      RecordValidationOwner1795630000005,
      CreateOcspCache1798100000001,
      CreateTrustStore1799050000000,
      RecordValidationKindAndResult1799070000001,
      AddValidationCallback1799040000001,
      EvidencePerInboundDocument1799120000000,
      CreateValidationDocumentParts1799150000000,
      NotifyRevocationCacheChanges1799210000000,
      IndexEvidenceProofs1799250000000,
      NotifyEvidenceChanges1799320000000,
      StoreEvidenceDersOnce1799400000000,
      CheaperEvidenceTriggers1799500000000,
      CheaperEvidenceStorage1799500000001,
      HotEvidenceSeals1799620000000,
      OneDocumentIndexForEvidence1799620000001,
    ],
  });
}

/** A DataSource for the migration runner and the TypeORM CLI; not initialised. */
export function verifierDataSource(databaseUrl: string): DataSource {
  return new DataSource(verifierDataSourceOptions(databaseUrl));
}

export async function migrateVerifier(databaseUrl: string): Promise<void> {
  const ds = verifierDataSource(databaseUrl);
  await ds.initialize();
  try {
    // TypeORM creates its migrations table inside the schema before the first migration runs.
    await ds.query(`CREATE SCHEMA IF NOT EXISTS ${VERIFIER_SCHEMA}`);
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
}

/** For the TypeORM CLI (`typeorm -d dist/apps/verifier/src/data-source.js migration:run`). */
export default verifierDataSource(process.env.KYSO_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kyso');
