import { Module } from '@nestjs/common';
import type { RegistryConfig } from '../config';
import { OwnershipModule } from '../ownership/ownership.module';
import { REGISTRY_CONFIG } from '../shared/registry-config.module';
import { LettersRepository } from './letters.repository';
import { LetterSigner, letterSignerFactory, LettersService } from './letters.service';

@Module({
  imports: [OwnershipModule],
  providers: [
    LettersService,
    LettersRepository,
    { provide: LetterSigner, inject: [REGISTRY_CONFIG], useFactory: (c: RegistryConfig) => letterSignerFactory(c) },
  ],
  exports: [LettersService],
})
export class LettersModule {}
