import { Module } from '@nestjs/common';
import { OwnershipModule } from '../ownership/ownership.module';
import { SignatureRecordsController } from './signature-records.controller';
import { SignatureRecordsRepository } from './signature-records.repository';
import { SignatureRecordsService } from './signature-records.service';

@Module({
  imports: [OwnershipModule],
  controllers: [SignatureRecordsController],
  providers: [SignatureRecordsService, SignatureRecordsRepository],
})
export class SignatureRecordsModule {}
