import { Logger } from '@nestjs/common';
import type { DataSourceOptions, Logger as TypeOrmLogger } from 'typeorm';
import { dependencyFailure } from './dependencies';

/** How long a request waits for a pooled connection before it is a 503 rather than a hang. */
export const DATABASE_CONNECT_TIMEOUT_MS = 5_000;

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
    logger: new QueryErrorLogger(),
    // An idle pooled connection that the server dropped is discarded by pg-pool; the next query
    // opens a new one, so the pool recovers from a restart by itself. Nothing to log per client.
    poolErrorHandler: () => undefined,
    extra: { max: 10, application_name: `kyso-${opts.schema}`, connectionTimeoutMillis: DATABASE_CONNECT_TIMEOUT_MS },
  } as DataSourceOptions;
}

/**
 * Logs failed queries, except while the database is unreachable: those become 503s and the
 * dependency monitor logs the outage once. Never the parameters (they may hold personal data).
 */
export class QueryErrorLogger implements TypeOrmLogger {
  private readonly nest = new Logger('Database');

  logQueryError(error: string | Error, query: string): void {
    if (dependencyFailure(error)) return;
    this.nest.error(`query failed: ${typeof error === 'string' ? error : error.message} [${query.slice(0, 200)}]`);
  }
  logQuery(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(message: string): void {
    this.nest.log(message);
  }
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.nest.warn(String(message));
  }
}
