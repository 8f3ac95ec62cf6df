import { Logger as NestLogger } from '@nestjs/common';
import type { Logger as TypeOrmLogger } from 'typeorm';
import { dependencyFailure } from '@kyso/common';

/** Violations the services turn into 409/422 problems: expected, not worth an error line. */
const HANDLED = new Set(['23505', '23503']);

/**
 * TypeORM's own logger prints failed queries with their parameters, which hold PIN hashes and
 * certificate bytes. This one logs the statement and the error only.
 */
export class ParameterFreeLogger implements TypeOrmLogger {
  private readonly out = new NestLogger('Database');

  logQueryError(error: string | Error, query: string): void {
    // A database outage is a 503 that the dependency monitor logs once, not per query.
    if (HANDLED.has((error as { code?: string })?.code ?? '') || dependencyFailure(error)) return;
    this.out.error(`${String((error as Error)?.message ?? error)} in: ${query.slice(0, 500)}`);
  }

  logQuery(): void {}
  logQuerySlow(time: number, query: string): void {
    this.out.warn(`slow query (${time} ms): ${query.slice(0, 500)}`);
  }
  logSchemaBuild(): void {}
  logMigration(message: string): void {
    this.out.log(message);
  }
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.out.warn(String(message));
  }
}
