import { Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from '@kyso/common';
import type { RegistryConfig } from '../config';
import { REGISTRY_CONFIG } from './registry-config.module';
import { Db, Transactions, TypeOrmTransactions } from './transactions';

/** Ports every bounded context may need. */
@Global()
@Module({
  providers: [
    { provide: Clock, inject: [REGISTRY_CONFIG], useFactory: (c: RegistryConfig) => c.clock ?? new SystemClock() },
    { provide: Transactions, useClass: TypeOrmTransactions },
    Db,
  ],
  exports: [Clock, Transactions, Db],
})
export class SharedModule {}
