import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createService, serviceHttpOf } from '@kyso/common';
import { VerifierConfig } from './config';
import { VerifierModule } from './app.module';
import { leanValidations } from './lean-validations';
import { TrustAnchorSource } from './trust-anchors';
import { TrustStoreReady } from './trust-store/trust-store.providers';
import { PdfUploads } from './upload-storage';
import { ValidationService } from './validation.service';

/** The verifier API (not listening: the caller decides where). The schema must be migrated. */
export async function createVerifierApp(config: VerifierConfig): Promise<NestExpressApplication> {
  const app = await createService(VerifierModule.forRoot(config), {
    name: 'verifier',
    port: config.port,
    host: config.host,
    internalToken: config.internalToken,
  });
  if (config.leanValidations !== false) {
    const http = serviceHttpOf(app);
    http.handleFirst(
      leanValidations({
        http,
        internalToken: config.internalToken,
        ready: new TrustStoreReady(app.get(TrustAnchorSource)),
        validations: app.get(ValidationService),
        uploads: app.get(PdfUploads),
      }),
    );
  }
  return app;
}
