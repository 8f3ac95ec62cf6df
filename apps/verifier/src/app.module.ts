import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { MulterModule } from '@nestjs/platform-express';
import { memoryStorage } from 'multer';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import {
  Clock,
  DATABASE_CONNECT_TIMEOUT_MS,
  FORM_TEXT_LIMITS,
  HealthController,
  READINESS_CHECKS,
  ReadinessCheck,
  WEBHOOK_OUTBOX,
  type WebhookOutbox,
  webhookOutboxProvider,
} from '@kyso/common';
import { contractValidationPipe } from '@kyso/contracts';
import { CertificateCheckService } from './certificate-checks/certificate-check.service';
import { CertificateChecksController } from './certificate-checks/certificate-checks.controller';
import { SignatureCheckService, SignatureChecksController } from './signature-checks/signature-checks.controller';
import { DEFAULT_FAST_PATH_MAX_BYTES, revocationConfig, VerifierConfig } from './config';
import { EvidenceSealer } from './evidence/evidence-sealer';
import { ValidationEvidence, validationEvidenceProvider } from './evidence/validation-evidence';
import { FastValidation } from './fast-path/fast-validation';
import { HeldProofs } from './evidence/held-proofs';
import { PdfValidator, PkiPdfValidator } from './pdf-validator';
import { VerifierPersistenceModule } from './persistence.module';
import { HeldCache } from './revocation/held-caches';
import {
  IN_REQUEST_REVOCATION,
  InRequestRevocation,
  inRequestRevocationProvider,
  queuedRevocationCheckers,
} from './revocation/in-request';
import { CmsValidationService } from './cms-validation.service';
import { CmsValidationsController } from './cms-validations.controller';
import { RevocationJobs, revocationJobsProvider } from './revocation/revocation-queue';
import { TrustAnchorSource } from './trust-anchors';
import { trustStoreProviders } from './trust-store/trust-store.providers';
import { BullValidationQueue, ValidationQueue } from './validation-queue';
import { ValidationRepository } from './validation.repository';
import { ValidationService } from './validation.service';
import { PdfUploads } from './upload-storage';
import { TableChanges } from './table-changes';
import { PublicValidationsController } from './public-validation/public-validations.controller';
import { ValidationsController } from './validations.controller';
import { HistoryController } from './history/history.controller';
import { InboundController } from './inbound/inbound.controller';
import { InboundEngine } from './inbound/inbound-engine';
import { InboundService } from './inbound/inbound.service';

/** Finishes the seals in hand and closes the queues' and the table listener's connections when Nest shuts down (TypeOrmModule closes the pool). */
class QueueCloser implements OnApplicationShutdown {
  constructor(
    @Inject(ValidationQueue) private readonly queue: ValidationQueue,
    @Inject(RevocationJobs) private readonly revocationJobs: RevocationJobs,
    @Inject(EvidenceSealer) private readonly sealer: EvidenceSealer,
    @Inject(TableChanges) private readonly tableChanges: TableChanges,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    // The seals in hand first (what is not sealed by then, the maintenance job seals).
    await this.sealer.idle();
    await Promise.all([this.queue.close(), this.revocationJobs.close(), this.tableChanges.close()]);
  }
}

@Module({})
export class VerifierModule {
  static forRoot(config: VerifierConfig): DynamicModule {
    const rev = revocationConfig(config);
    return {
      module: VerifierModule,
      imports: [
        VerifierPersistenceModule.forRoot(config.databaseUrl),
        // The uploads of the routes read by multer (inbound, CMS, signature checks; not /validations/pdf):
        // the same limits as PdfUploads's form.
        MulterModule.register({
          storage: memoryStorage(),
          limits: { ...FORM_TEXT_LIMITS, fileSize: config.maxUploadBytes, files: 2 },
        }),
      ],
      controllers: [
        HistoryController,
        ValidationsController,
        InboundController,
        PublicValidationsController,
        CertificateChecksController,
        SignatureChecksController,
        CmsValidationsController,
        HealthController,
      ],
      providers: [
        {
          provide: ValidationQueue,
          // Opened once the database answered: a failed boot leaves no Redis connection behind.
          inject: [DataSource],
          useFactory: () =>
            new BullValidationQueue({
              redisUrl: config.redisUrl,
              prefix: config.queuePrefix,
              attempts: config.jobAttempts,
              backoffMs: config.jobBackoffMs,
            }),
        },
        // The pre-signing checks download through the workers' revocation queue and CRL cache.
        revocationJobsProvider(config),
        QueueCloser,
        ...trustStoreProviders(config),
        {
          provide: CertificateCheckService,
          inject: [TrustAnchorSource, IN_REQUEST_REVOCATION],
          useFactory: (anchors: TrustAnchorSource, revocation: InRequestRevocation) =>
            new CertificateCheckService(anchors, queuedRevocationCheckers(revocation), revocation.clock),
        },
        { provide: PdfValidator, useClass: PkiPdfValidator },
        {
          provide: SignatureCheckService,
          inject: [TrustAnchorSource, PdfValidator, IN_REQUEST_REVOCATION],
          useFactory: (anchors: TrustAnchorSource, pdf: PdfValidator, revocation: InRequestRevocation) =>
            new SignatureCheckService(anchors, pdf, queuedRevocationCheckers(revocation), revocation.clock),
        },
        {
          provide: READINESS_CHECKS,
          inject: [ValidationRepository, ValidationQueue, TrustAnchorSource],
          useFactory: (
            repo: ValidationRepository,
            queue: ValidationQueue,
            anchors: TrustAnchorSource,
          ): Record<string, ReadinessCheck> => ({
            postgres: () => repo.ping(),
            redis: () => queue.ping(),
            // Not the registry itself: with a stored set the verifier serves through a registry outage.
            trustStore: async () => void (await anchors.anchorSet()),
          }),
        },
        webhookOutboxProvider(config.webhooks),
        // The fast path and inbound checks keep evidence as the worker keeps a validated PDF's.
        validationEvidenceProvider(config),
        {
          provide: EvidenceSealer,
          inject: [ValidationEvidence, Clock],
          useFactory: (e: ValidationEvidence, clock: Clock) => new EvidenceSealer(e, clock),
        },
        {
          provide: TableChanges,
          // Once the database answered, as the queue; a listener that cannot connect retries alone.
          inject: [DataSource],
          useFactory: () => {
            const changes = new TableChanges(
              () =>
                new Client({
                  connectionString: config.databaseUrl,
                  application_name: 'kyso-verifier-listen',
                  connectionTimeoutMillis: DATABASE_CONNECT_TIMEOUT_MS,
                  keepAlive: true,
                }),
            );
            void changes.start(); // never fails: reads go through until it listens
            return changes;
          },
        },
        {
          provide: FastValidation,
          inject: [
            ValidationRepository,
            TrustAnchorSource,
            PdfValidator,
            IN_REQUEST_REVOCATION,
            ValidationEvidence,
            EvidenceSealer,
            TableChanges,
          ],
          useFactory: (
            validations: ValidationRepository,
            anchors: TrustAnchorSource,
            pdf: PdfValidator,
            { crls, ocsps, issuers, config: revocation, clock }: InRequestRevocation,
            evidence: ValidationEvidence,
            sealer: EvidenceSealer,
            changes: TableChanges,
          ) =>
            new FastValidation(
              {
                validations,
                anchors,
                pdf,
                revocation: {
                  // The caches' rows held in memory until a change is heard: no query per CRL per validation.
                  crls: new HeldCache('crl_cache', crls, changes, clock),
                  ocsps: new HeldCache('ocsp_cache', ocsps, changes, clock),
                  issuers: new HeldCache('ca_issuers_cache', issuers, changes, clock),
                  config: revocation,
                  clock,
                },
                evidence,
                // A document's proofs held in memory until a change of its evidence is heard: no query per validation.
                proofs: new HeldProofs(evidence, changes, clock),
                sealer,
                clock,
              },
              { maxBytes: config.fastPathMaxBytes ?? DEFAULT_FAST_PATH_MAX_BYTES },
            ),
        },
        ValidationService,
        { provide: PdfUploads, useValue: new PdfUploads(config.maxUploadBytes) },
        inRequestRevocationProvider(rev),
        {
          provide: CmsValidationService,
          inject: [ValidationRepository, TrustAnchorSource, IN_REQUEST_REVOCATION, WEBHOOK_OUTBOX],
          useFactory: (
            validations: ValidationRepository,
            anchors: TrustAnchorSource,
            revocation: InRequestRevocation,
            outbox: WebhookOutbox,
          ) => new CmsValidationService(validations, anchors, revocation, outbox),
        },
        {
          provide: InboundService,
          inject: [
            ValidationRepository,
            PdfValidator,
            TrustAnchorSource,
            IN_REQUEST_REVOCATION,
            WEBHOOK_OUTBOX,
            ValidationEvidence,
          ],
          useFactory: (
            validations: ValidationRepository,
            pdf: PdfValidator,
            anchors: TrustAnchorSource,
            revocation: InRequestRevocation,
            outbox: WebhookOutbox,
            evidence: ValidationEvidence,
          ) =>
            new InboundService(
              validations,
              new InboundEngine(pdf, anchors, revocation, evidence),
              revocation.clock,
              outbox,
            ),
        },
        { provide: APP_PIPE, useFactory: contractValidationPipe },
      ],
    };
  }
}
