import { Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from '@kyso/common';
import { Db, Transactions, TypeOrmTransactions } from './transactions';

/** Ports every bounded context may need. */
@Global()
@Module({
  providers: [{ provide: Clock, useClass: SystemClock }, { provide: Transactions, useClass: TypeOrmTransactions }, Db],
  exports: [Clock, Transactions, Db],
})
export class SharedModule {}
