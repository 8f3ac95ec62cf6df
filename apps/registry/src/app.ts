import 'reflect-metadata';
import { createService, serviceHttpOf } from '@kyso/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { RegistryConfig } from './config';
import { RegistryModule } from './registry.module';
import { leanAuthorizations } from './signing-authorizations/lean-authorizations';
import { SigningAuthorizationsService } from './signing-authorizations/signing-authorizations.service';

/** The registry app, not listening: main.ts listens, tests call `app.listen(0, '127.0.0.1')`. */
export async function createRegistryApp(config: RegistryConfig): Promise<NestExpressApplication> {
  const app = await createService(RegistryModule.forRoot(config), {
    name: 'registry',
    host: config.host,
    port: config.port,
    internalToken: config.internalToken,
  });
  if (config.leanAuthorizations !== false) {
    const http = serviceHttpOf(app);
    http.handleFirst(
      leanAuthorizations({
        http,
        internalToken: config.internalToken,
        authorizations: app.get(SigningAuthorizationsService),
      }),
    );
  }
  return app;
}
