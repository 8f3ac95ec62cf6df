import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { type NamedStatement, runNamedOn } from '@kyso/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, EntityTarget, ObjectLiteral, Repository } from 'typeorm';

/** The transaction the current async call chain runs in, if any. */
const current = new AsyncLocalStorage<EntityManager>();

/**
 * Runs work in one database transaction: a registry change and its audit entry commit together.
 * Inside a transaction already (a lifecycle request fulfilling through other services), the work
 * joins it, so the whole fulfilment commits or rolls back as one. Domain services use this port
 * and never see the database; repositories find the transaction through `Db`.
 */
export abstract class Transactions {
  abstract run<T>(work: () => Promise<T>): Promise<T>;
}

@Injectable()
export class TypeOrmTransactions extends Transactions {
  constructor(@InjectDataSource() private readonly db: DataSource) {
    super();
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    if (current.getStore()) return work();
    return this.db.transaction((m) => current.run(m, work));
  }
}

/**
 * For repositories only: the manager of the transaction in progress, else the pool's. Every
 * statement of a repository goes through it, so it takes part in the caller's transaction.
 */
@Injectable()
export class Db {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  get manager(): EntityManager {
    return current.getStore() ?? this.ds.manager;
  }

  /** True inside `Transactions.run` (row locks and advisory locks need a transaction). */
  get inTransaction(): boolean {
    return current.getStore() !== undefined;
  }

  repository<E extends ObjectLiteral>(entity: EntityTarget<E>): Repository<E> {
    return this.manager.getRepository(entity);
  }

  /** Raw SQL; the caller states the row type it expects. */
  query<T>(sql: string, params?: unknown[]): Promise<T> {
    return this.manager.query(sql, params);
  }

  /** A statement of a hot path, prepared once per connection (runNamedOn); inside a transaction, in it. */
  named<T>(statement: NamedStatement, params: unknown[]): Promise<T[]> {
    const tx = current.getStore();
    return tx ? tx.query(statement.text, params) : runNamedOn<T>(this.ds, statement, params);
  }
}
