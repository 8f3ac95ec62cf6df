import 'reflect-metadata';
import { postgresOptions } from '@kyso/common';
import { DataSource, DataSourceOptions } from 'typeorm';
import { REGISTRY_ENTITIES } from './entities';
import { REGISTRY_MIGRATIONS } from './migrations';
import { ParameterFreeLogger } from './shared/typeorm-logger';

export const REGISTRY_SCHEMA = 'registry';

export function registryDataSourceOptions(databaseUrl: string): DataSourceOptions {
  return {
    ...postgresOptions({
      url: databaseUrl,
      schema: REGISTRY_SCHEMA,
      entities: REGISTRY_ENTITIES,
      migrations: REGISTRY_MIGRATIONS,
    }),
    logger: new ParameterFreeLogger(),
  } as DataSourceOptions;
}

/** A DataSource for the migration runner and the TypeORM CLI (see typeorm-cli.ts); not initialised. */
export function createRegistryDataSource(databaseUrl: string): DataSource {
  return new DataSource(registryDataSourceOptions(databaseUrl));
}

/**
 * Brings the schema up to date. TypeORM keeps its migrations table inside the schema, so the schema
 * has to exist before the first migration runs; the first migration creates it too, for the record.
 */
export async function migrateRegistry(databaseUrl: string): Promise<void> {
  const ds = createRegistryDataSource(databaseUrl);
  await ds.initialize();
  try {
    await ds.query(`CREATE SCHEMA IF NOT EXISTS ${REGISTRY_SCHEMA}`);
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
}

/** Undoes every migration, newest first (tests and local resets). */
export async function revertRegistry(databaseUrl: string): Promise<void> {
  const ds = createRegistryDataSource(databaseUrl);
  await ds.initialize();
  try {
    while (
      (await ds.query(`SELECT count(*)::int AS n FROM ${REGISTRY_SCHEMA}.${REGISTRY_SCHEMA}_migrations`))[0].n > 0
    ) {
      await ds.undoLastMigration({ transaction: 'each' });
    }
  } finally {
    await ds.destroy();
  }
}
