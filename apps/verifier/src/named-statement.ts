import type { ObjectLiteral, Repository } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** A statement run by name (see runNamed): the name must be unique in the process. */
export interface NamedStatement {
  name: string;
  text: string;
}

interface PgPool {
  query(config: NamedStatement & { values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * Runs a statement by name on the driver's pool: each connection parses and plans it once and
 * keeps it (pg's named prepared statements), where an unnamed one is parsed and planned at every
 * call (issue 16.3: the fast path's statements per validation).
 */
export async function runNamed<T = unknown>(
  repo: Repository<ObjectLiteral>,
  statement: NamedStatement,
  values: unknown[],
): Promise<T[]> {
  const pool = (repo.manager.connection.driver as PostgresDriver).master as PgPool;
  return (await pool.query({ ...statement, values })).rows as T[];
}
