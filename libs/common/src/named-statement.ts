import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** A statement run by name (see runNamedOn): the name must be unique in the process. */
export interface NamedStatement {
  name: string;
  text: string;
}

interface PgPool {
  query(config: NamedStatement & { values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * Runs a statement by name on the data source's pool, outside any transaction: each connection
 * parses and plans it once and keeps it (pg's named prepared statements), where an unnamed one is
 * parsed and planned at every call, and TypeORM's query runner (made and released per call) is
 * skipped. For the statements a hot path runs on every request.
 */
export async function runNamedOn<T = unknown>(
  ds: DataSource,
  statement: NamedStatement,
  values: unknown[],
): Promise<T[]> {
  const pool = (ds.driver as PostgresDriver).master as PgPool;
  return (await pool.query({ ...statement, values })).rows as T[];
}
