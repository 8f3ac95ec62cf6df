import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createService } from '@kyso/common';
import { VerifierConfig } from './config';
import { VerifierModule } from './app.module';

/** The verifier API (not listening: the caller decides where). The schema must be migrated. */
export async function createVerifierApp(config: VerifierConfig): Promise<NestExpressApplication> {
  return createService(VerifierModule.forRoot(config), {
    name: 'verifier',
    port: config.port,
    host: config.host,
    internalToken: config.internalToken,
  });
}
