import { DynamicModule, Inject, Module, OnApplicationShutdown, Provider } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  Clock,
  ConfigError,
  DATABASE_CONNECT_RETRY,
  HealthController,
  httpCheck,
  INTERNAL_CALL_TIMEOUT_MS,
  InternalClient,
  JobQueue,
  READINESS_CHECKS,
  ReadinessCheck,
  SystemClock,
  SpillingStorage,
} from '@kyso/common';
import type { KeyStore } from '@kyso/keystore';
import { mkdirSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { CmsSignaturesController } from './cms-signatures.controller';
import { CmsSigningService } from './cms-signing.service';
import { VerifierCertificateCheck } from './certificate-check.client';
import {
  CERT_VERDICTS_MAX_ENTRIES,
  DEFAULT_CERT_CHECK_MAX_AGE_MS,
  DEFAULT_TSA_TIMEOUT_MS,
  defaultUploadDir,
  SignerConfig,
} from './config';
import { CertificateVerdicts } from './certificate-verdicts';
import { Admission } from './admission';
import { admissionDefaults } from './config';
import { signerDataSourceOptions } from './data-source';
import { PdfEngine, PkiPdfEngine } from './pdf-engine';
import { HttpRegistryClient, RegistryClient } from './registry-client';
import {
  DocumentSignatureCheck,
  HttpOfficialDirectory,
  NoDocumentSignatureCheck,
  OfficialDirectory,
  VerifierDocumentSignatureCheck,
} from './leader-signature';
import { SignatureAuditForwarder } from './signature-audit-forwarder';
import { SignatureEventEntity } from './signature-event.entity';
import { SignatureEventsRepository, TypeOrmSignatureEventsRepository } from './signature-events.repository';
import { ExtendService } from './extend.service';
import { PadesLevels } from './levels';
import { SigningEvidenceEntity } from './signing-evidence.entity';
import { SigningEvidenceRepository, TypeOrmSigningEvidenceRepository } from './signing-evidence.repository';
import { SignaturesController } from './signatures.controller';
import { CertificateCheck, TimestampAuthority } from './signing-seams';
import { KEY_STORE, SigningGate } from './signing-gate';
import { SigningService } from './signing.service';
import { ConfiguredTimestampAuthority } from './timestamp-authority';
import { batchDefaults } from './batches/batch-config';
import { signatureBatches } from './batches/batches.module';
import type { BatchJobs } from './batches/batch-jobs';
import { BATCH_QUEUE } from './batches/batches.service';
import { IN_MEMORY_UPLOAD_BYTES, spareUploadMemory } from './uploads';
import { BigUploadHooks } from './pin-precheck';
import { SIGN_FORM_LIMITS } from './sign-form';

export interface SignerModuleOptions {
  config: SignerConfig;
  keyStore: KeyStore;
  /** Closed with the app when the app opened it. */
  ownsKeyStore: boolean;
  pdfEngine?: PdfEngine;
  clock?: Clock;
  /** Default: the verifier at config.verifierUrl. */
  certificateCheck?: CertificateCheck;
  /** Default: the TSA at config.tsaUrl (none when unset). */
  timestampAuthority?: TimestampAuthority; /** More providers, e.g. the seams of signing-seams.ts a deployment or test binds. */
  providers?: Provider[];
}

/** Signing without the pre-signing check is not allowed (Art 29): no verifier, no boot. */
function certificateCheckFor(opts: SignerModuleOptions): CertificateCheck {
  if (opts.certificateCheck) return opts.certificateCheck;
  const { verifierUrl, internalToken, sockets } = opts.config;
  if (!verifierUrl) throw new ConfigError('KYSO_VERIFIER_URL must be set: certificates are checked before signing');
  return new VerifierCertificateCheck(
    new InternalClient(verifierUrl, internalToken, INTERNAL_CALL_TIMEOUT_MS, 'the verifier service', sockets?.verifier),
  );
}

const OPTIONS = Symbol('SIGNER_OPTIONS');

/** Uploads are documents: the directory is the service's alone. */
function privateDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** Releases the token when the app closes (TypeOrmModule closes the database pool). */
class KeyStoreCloser implements OnApplicationShutdown {
  constructor(@Inject(OPTIONS) private readonly opts: SignerModuleOptions) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.opts.ownsKeyStore) await this.opts.keyStore.close();
  }
}

@Module({})
export class SignerModule {
  static forRoot(opts: SignerModuleOptions): DynamicModule {
    const { config } = opts;
    const uploadDir = privateDir(config.uploadDir ?? defaultUploadDir());
    // Without batch settings (tests of other features) batches are accepted but this instance signs none.
    const bigUploads = new BigUploadHooks();
    const batches = signatureBatches({
      batches: config.batches ?? { ...batchDefaults(uploadDir), concurrency: 0 },
      uploadDir,
      maxPdfBytes: config.maxPdfBytes,
      redisUrl: config.redisUrl,
      webhooks: config.webhooks,
    });
    return {
      module: SignerModule,
      imports: [
        TypeOrmModule.forRoot({ ...signerDataSourceOptions(config.databaseUrl), ...DATABASE_CONNECT_RETRY }),
        TypeOrmModule.forFeature([SignatureEventEntity, SigningEvidenceEntity]),
        MulterModule.register({
          storage: new SpillingStorage(
            uploadDir,
            IN_MEMORY_UPLOAD_BYTES,
            spareUploadMemory(config.maxPdfBytes),
            bigUploads.starts,
          ),
          limits: { fileSize: config.maxPdfBytes, ...SIGN_FORM_LIMITS },
        }),
      ],
      controllers: [HealthController, SignaturesController, CmsSignaturesController, ...batches.controllers],
      providers: [
        { provide: OPTIONS, useValue: opts },
        { provide: BigUploadHooks, useValue: bigUploads },
        KeyStoreCloser,
        SigningGate,
        CmsSigningService,
        SigningService,
        ExtendService,
        { provide: Admission, useValue: new Admission(config.admission ?? admissionDefaults(config.pkcs11.poolSize)) },
        { provide: PdfEngine, useValue: opts.pdfEngine ?? new PkiPdfEngine() },
        { provide: CertificateCheck, useFactory: () => certificateCheckFor(opts) },
        {
          provide: CertificateVerdicts,
          inject: [CertificateCheck, Clock],
          useFactory: (checks: CertificateCheck, clock: Clock) =>
            new CertificateVerdicts(checks, {
              maxAgeMs: config.certificateCheckMaxAgeMs ?? DEFAULT_CERT_CHECK_MAX_AGE_MS,
              maxEntries: CERT_VERDICTS_MAX_ENTRIES,
              now: () => clock.now().getTime(),
            }),
        },
        {
          provide: TimestampAuthority,
          useFactory: () =>
            opts.timestampAuthority ??
            new ConfiguredTimestampAuthority(config.tsaUrl, config.tsaTimeoutMs ?? DEFAULT_TSA_TIMEOUT_MS),
        },
        {
          provide: RegistryClient,
          useFactory: () =>
            new HttpRegistryClient(
              new InternalClient(
                config.registryUrl,
                config.internalToken,
                INTERNAL_CALL_TIMEOUT_MS,
                'the registry service',
                config.sockets?.registry,
              ),
            ),
        },
        {
          // R17: the organisation's signature needs the leader's, as the verifier's engine judges it. Without
          // a verifier (only where a test injects the certificate check) issuing is refused when asked.
          provide: DocumentSignatureCheck,
          useFactory: () =>
            config.verifierUrl
              ? new VerifierDocumentSignatureCheck(
                  new InternalClient(
                    config.verifierUrl,
                    config.internalToken,
                    INTERNAL_CALL_TIMEOUT_MS,
                    'the verifier service',
                    config.sockets?.verifier,
                  ),
                )
              : new NoDocumentSignatureCheck(),
        },
        {
          provide: OfficialDirectory,
          useFactory: () =>
            new HttpOfficialDirectory(
              new InternalClient(
                config.registryUrl,
                config.internalToken,
                INTERNAL_CALL_TIMEOUT_MS,
                'the registry service',
                config.sockets?.registry,
              ),
            ),
        },
        { provide: SignatureEventsRepository, useClass: TypeOrmSignatureEventsRepository },
        { provide: SigningEvidenceRepository, useClass: TypeOrmSigningEvidenceRepository },
        {
          provide: PadesLevels,
          inject: [CertificateCheck, TimestampAuthority, Clock],
          useFactory: (checks: CertificateCheck, tsa: TimestampAuthority, clock: Clock) =>
            new PadesLevels(checks, tsa, () => clock.now()),
        },
        {
          provide: SignatureAuditForwarder,
          inject: [DataSource],
          useFactory: (db: DataSource) =>
            new SignatureAuditForwarder(
              db,
              new InternalClient(
                config.registryUrl,
                config.internalToken,
                INTERNAL_CALL_TIMEOUT_MS,
                'the registry service',
                config.sockets?.registry,
              ),
              config.auditForwardIntervalMs ?? 250,
            ),
        },
        { provide: KEY_STORE, useValue: opts.keyStore },
        opts.clock ? { provide: Clock, useValue: opts.clock } : { provide: Clock, useClass: SystemClock },
        {
          provide: READINESS_CHECKS,
          inject: [DataSource, BATCH_QUEUE],
          useFactory: (db: DataSource, batchQueue: JobQueue<BatchJobs>): Record<string, ReadinessCheck> => ({
            postgres: async () => void (await db.query('SELECT 1')),
            // Signing batches are queued there.
            redis: () => batchQueue.ping(),
            token: async () => {
              if (!(await opts.keyStore.isReady()))
                throw new Error('the PKCS#11 token is not reachable or not logged in');
            },
            registry: httpCheck(`${config.registryUrl}/health`, config.sockets?.registry),
            ...(config.verifierUrl && {
              verifier: httpCheck(`${config.verifierUrl}/health`, config.sockets?.verifier),
            }),
          }),
        },
        ...batches.providers,
        ...(opts.providers ?? []),
      ],
    };
  }
}
