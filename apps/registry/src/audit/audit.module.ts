import { Global, Module } from '@nestjs/common';
import { OwnershipModule } from '../ownership/ownership.module';
import { AuditController } from './audit.controller';
import { AuditLog } from './audit-log';
import { PgAuditLog } from './audit-log.repository';

/** Global: every bounded context injects the AuditLog port to append in its own transactions. */
@Global()
@Module({
  imports: [OwnershipModule],
  controllers: [AuditController],
  providers: [PgAuditLog, { provide: AuditLog, useExisting: PgAuditLog }],
  exports: [AuditLog, PgAuditLog],
})
export class AuditModule {}
