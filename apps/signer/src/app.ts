import 'reflect-metadata';
import { Logger, Provider } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Clock, createService, serviceHttpOf } from '@kyso/common';
import { isKeyStoreError, KeyStore, Pkcs11KeyStore } from '@kyso/keystore';
import { Admission } from './admission';
import { defaultUploadDir, SignerConfig } from './config';
import { leanSignatures } from './lean-signatures';
import { RegistryClient } from './registry-client';
import { SigningService } from './signing.service';
import { PdfEngine } from './pdf-engine';
import { SignerModule } from './signer.module';
import { CertificateCheck, TimestampAuthority } from './signing-seams';

export interface SignerDeps {
  /** A key store the caller owns (tests, tools); by default the PKCS#11 token from the config. */
  keyStore?: KeyStore;
  pdfEngine?: PdfEngine;
  /** "Now" for signing times (tests pin it); the system clock by default. */
  clock?: Clock;
  /** The pre-signing check; by default the verifier's (config.verifierUrl). */
  certificateCheck?: CertificateCheck;
  /** The TSA; by default config.tsaUrl's. */
  timestampAuthority?: TimestampAuthority;
  /** More providers for the signer module (seams such as the TSA). */
  providers?: Provider[];
}

/**
 * Opens the token at start so a wrong PIN, label or library fails the boot; a token host that is
 * merely down leaves a store that reconnects on use (readiness reports it).
 */
export async function openTokenKeyStore(config: SignerConfig): Promise<KeyStore> {
  const opts = { ...config.pkcs11, acquireTimeoutMs: 10_000 };
  try {
    return await Pkcs11KeyStore.open(opts);
  } catch (e) {
    if (!isKeyStoreError(e, 'TOKEN_UNAVAILABLE')) throw e;
    new Logger('signer').warn(`token "${config.pkcs11.tokenLabel}" unavailable at start: ${e.message}`);
    return Pkcs11KeyStore.lazy(opts);
  }
}

/** The signer API (not listening: the caller decides where). The schema must be migrated. */
export async function createSignerApp(config: SignerConfig, deps: SignerDeps = {}): Promise<NestExpressApplication> {
  let keyStore: KeyStore | undefined = deps.keyStore;
  try {
    keyStore ??= await openTokenKeyStore(config);
    const app = await createService(
      SignerModule.forRoot({
        config,
        keyStore,
        ownsKeyStore: !deps.keyStore,
        pdfEngine: deps.pdfEngine,
        clock: deps.clock,
        certificateCheck: deps.certificateCheck,
        timestampAuthority: deps.timestampAuthority,
        providers: deps.providers,
      }),
      { name: 'signer', port: config.port, host: config.host, internalToken: config.internalToken },
    );
    if (config.leanSignatures !== false) {
      const http = serviceHttpOf(app);
      http.handleFirst(
        leanSignatures({
          http,
          internalToken: config.internalToken,
          signing: app.get(SigningService),
          admission: app.get(Admission),
          registry: app.get(RegistryClient),
          form: { maxPdfBytes: config.maxPdfBytes, uploadDir: config.uploadDir ?? defaultUploadDir() },
        }),
      );
    }
    return app;
  } catch (e) {
    if (keyStore && !deps.keyStore) await keyStore.close();
    throw e;
  }
}
