import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { Clock, WEBHOOK_OUTBOX, type WebhookOutbox, webhookOutboxProvider } from '@kyso/common';
import { revocationConfig, VerifierConfig } from './config';
import { ValidationEvidence, validationEvidenceProvider } from './evidence/validation-evidence';
import { PdfValidator, PkiPdfValidator } from './pdf-validator';
import { VerifierPersistenceModule } from './persistence.module';
import { CaIssuersCache } from './revocation/ca-issuers-cache.repository';
import { CrlCache } from './revocation/crl-cache.repository';
import { OcspCache } from './revocation/ocsp-cache.repository';
import { HttpRevocationClient } from './revocation/http-fetch';
import {
  IN_REQUEST_REVOCATION,
  InRequestRevocation,
  inRequestRevocationProvider,
  queuedIssuerFetcher,
  queuedRevocationFetcher,
} from './revocation/in-request';
import { RevocationJobHandlers } from './revocation/revocation-jobs';
import { RevocationJobs, revocationJobsProvider } from './revocation/revocation-queue';
import { TrustAnchorSource } from './trust-anchors';
import { trustStoreProviders } from './trust-store/trust-store.providers';
import { ValidationProcessor } from './validation-processor';
import { ValidationRepository } from './validation.repository';
import type { WorkerMetrics } from './worker-metrics';

/** Closes the revocation queue and the download client after the workers stopped (TypeOrmModule closes the pool). */
class RevocationJobsCloser implements OnApplicationShutdown {
  constructor(
    @Inject(RevocationJobs) private readonly jobs: RevocationJobs,
    @Inject(HttpRevocationClient) private readonly network: HttpRevocationClient,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    await this.jobs.close();
    await this.network.close();
  }
}

/** The worker's object graph: the validation processor and the download handlers (CRL, OCSP, AIA caIssuers). */
@Module({})
export class VerifierWorkerModule {
  static forRoot(config: VerifierConfig, metrics?: WorkerMetrics): DynamicModule {
    const rev = revocationConfig(config);
    return {
      module: VerifierWorkerModule,
      imports: [VerifierPersistenceModule.forRoot(config.databaseUrl)],
      providers: [
        revocationJobsProvider(config),
        {
          provide: HttpRevocationClient,
          useFactory: () => new HttpRevocationClient({ timeoutMs: rev.fetchTimeoutMs, allow: rev.fetchAllow }),
        },
        RevocationJobsCloser,
        ...trustStoreProviders(config),
        validationEvidenceProvider(config),
        { provide: PdfValidator, useClass: PkiPdfValidator },
        webhookOutboxProvider(config.webhooks),
        inRequestRevocationProvider(rev),
        {
          provide: ValidationProcessor,
          inject: [
            ValidationRepository,
            TrustAnchorSource,
            PdfValidator,
            IN_REQUEST_REVOCATION,
            ValidationEvidence,
            WEBHOOK_OUTBOX,
          ],
          useFactory: (
            validations: ValidationRepository,
            anchors: TrustAnchorSource,
            pdf: PdfValidator,
            d: InRequestRevocation,
            evidence: ValidationEvidence,
            outbox: WebhookOutbox,
          ) =>
            new ValidationProcessor(
              validations,
              anchors,
              pdf,
              {
                fetcher: () => queuedRevocationFetcher(d, (hit) => metrics?.cacheLookup('crl', hit)),
                required: rev.required,
                issuerFetcher: () => queuedIssuerFetcher(d, (hit) => metrics?.cacheLookup('ca-issuers', hit)),
              },
              d.clock,
              evidence,
              outbox,
            ),
        },
        {
          provide: RevocationJobHandlers,
          inject: [HttpRevocationClient, CrlCache, CaIssuersCache, OcspCache, Clock],
          useFactory: (
            network: HttpRevocationClient,
            cache: CrlCache,
            issuers: CaIssuersCache,
            ocsp: OcspCache,
            clock: Clock,
          ) =>
            new RevocationJobHandlers(
              network,
              cache,
              rev.crlMaxAgeMs,
              { cache: issuers, maxAgeMs: rev.caIssuersMaxAgeMs },
              { cache: ocsp, maxAgeMs: rev.ocspMaxAgeMs },
              clock,
            ),
        },
      ],
    };
  }
}
