import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TrustAnchorEntity } from './trust-anchor.entity';
import { TrustAnchorsController } from './trust-anchors.controller';
import { TrustAnchorsRepository, TypeOrmTrustAnchorsRepository } from './trust-anchors.repository';
import { TrustAnchorsService } from './trust-anchors.service';

@Module({
  imports: [TypeOrmModule.forFeature([TrustAnchorEntity])],
  controllers: [TrustAnchorsController],
  providers: [TrustAnchorsService, { provide: TrustAnchorsRepository, useClass: TypeOrmTrustAnchorsRepository }],
  exports: [TrustAnchorsService],
})
export class TrustAnchorsModule {}
