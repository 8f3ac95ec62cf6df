import { Module } from '@nestjs/common';
import { TrustAnchorsController } from './trust-anchors.controller';
import { TrustAnchorsRepository, TypeOrmTrustAnchorsRepository } from './trust-anchors.repository';
import { TrustAnchorsService } from './trust-anchors.service';

@Module({
  controllers: [TrustAnchorsController],
  providers: [TrustAnchorsService, { provide: TrustAnchorsRepository, useClass: TypeOrmTrustAnchorsRepository }],
  exports: [TrustAnchorsService, TrustAnchorsRepository],
})
export class TrustAnchorsModule {}
