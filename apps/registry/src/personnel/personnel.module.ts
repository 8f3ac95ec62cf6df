import { Module } from '@nestjs/common';
import { OwnershipModule } from '../ownership/ownership.module';
import { RequestsModule } from '../requests/requests.module';
import { PersonnelController } from './personnel.controller';
import { PersonnelService } from './personnel.service';

@Module({
  imports: [RequestsModule, OwnershipModule],
  controllers: [PersonnelController],
  providers: [PersonnelService],
})
export class PersonnelModule {}
