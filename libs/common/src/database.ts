import type { DataSourceOptions } from 'typeorm';

/**
 * TypeORM options for one service's schema. Migrations only: `synchronize` is never on, and the
 * same options serve the app and the migration runner.
 */
export function postgresOptions(opts: {
  url: string;
  schema: string;
  entities: DataSourceOptions['entities'];
  migrations: DataSourceOptions['migrations'];
}): DataSourceOptions {
  return {
    type: 'postgres',
    url: opts.url,
    schema: opts.schema,
    entities: opts.entities,
    migrations: opts.migrations,
    migrationsTableName: `${opts.schema}_migrations`,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error'],
    extra: { max: 10, application_name: `kyso-${opts.schema}` },
  } as DataSourceOptions;
}
