import { Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from './clock';

/** Ports every bounded context may need. */
@Global()
@Module({
  providers: [{ provide: Clock, useClass: SystemClock }],
  exports: [Clock],
})
export class SharedModule {}
