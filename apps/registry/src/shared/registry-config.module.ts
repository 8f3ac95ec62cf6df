import { DynamicModule, Global, Module } from '@nestjs/common';
import type { RegistryConfig } from '../config';

/** DI token for the validated RegistryConfig: inject with `@Inject(REGISTRY_CONFIG)`. */
export const REGISTRY_CONFIG = Symbol('RegistryConfig');

/** Makes the service's configuration injectable in every bounded context. */
@Global()
@Module({})
export class RegistryConfigModule {
  static forRoot(config: RegistryConfig): DynamicModule {
    return {
      module: RegistryConfigModule,
      providers: [{ provide: REGISTRY_CONFIG, useValue: config }],
      exports: [REGISTRY_CONFIG],
    };
  }
}
