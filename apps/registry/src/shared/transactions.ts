import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** Runs work in one database transaction: a registry change and its audit entry commit together. */
export abstract class Transactions {
  abstract run<T>(work: (m: EntityManager) => Promise<T>): Promise<T>;
}

@Injectable()
export class TypeOrmTransactions extends Transactions {
  constructor(@InjectDataSource() private readonly db: DataSource) {
    super();
  }

  run<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }
}
