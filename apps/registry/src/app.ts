import 'reflect-metadata';
import { createService } from '@kyso/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { RegistryConfig } from './config';
import { RegistryModule } from './registry.module';

/** The registry app, not listening: main.ts listens, tests call `app.listen(0, '127.0.0.1')`. */
export async function createRegistryApp(config: RegistryConfig): Promise<NestExpressApplication> {
  return createService(RegistryModule.forRoot(config), {
    name: 'registry',
    host: config.host,
    port: config.port,
    internalToken: config.internalToken,
  });
}
