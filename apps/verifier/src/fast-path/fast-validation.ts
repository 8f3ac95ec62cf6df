import { Logger } from '@nestjs/common';
import type { Clock } from '@kyso/common';
import { parseSignedData, signatureFields, type DocumentReport } from '@kyso/pki';
import { EvidenceSealer } from '../evidence/evidence-sealer';
import type { HeldProofs } from '../evidence/held-proofs';
import { ValidationEvidence } from '../evidence/validation-evidence';
import { PdfValidator } from '../pdf-validator';
import { inRequestRevocation, type InRequestRevocation } from '../revocation/in-request';
import type { QueuedRevocationFetcher } from '../revocation/queued-fetcher';
import { TrustAnchorSource } from '../trust-anchors';
import { withVerifierFacts } from '../verifier-report';
import type { ValidationOwner } from '../validation-owner';
import { ValidationRepository } from '../validation.repository';
import { CacheOnlyRevocationJobs } from './cache-only-jobs';

export interface FastPathOptions {
  /** Largest document validated in the API process; 0 turns the fast path off. */
  maxBytes: number;
}

export interface FastPathDeps {
  validations: ValidationRepository;
  anchors: TrustAnchorSource;
  pdf: PdfValidator;
  /**
   * The caches the workers fill (read only here: held in memory, see held-caches.ts) and the
   * revocation settings; the jobs are each validation's CacheOnlyRevocationJobs.
   */
  revocation: Omit<InRequestRevocation, 'jobs'>;
  evidence: ValidationEvidence;
  /** The proofs of existence our sealed records give, held in memory. */
  proofs: Pick<HeldProofs, 'proofsFor' | 'keepBuilt'>;
  sealer: EvidenceSealer;
  clock: Clock;
}

/**
 * Validation in the API process (issue 16.2): a small document whose revocation evidence is in the
 * caches (or in the document) is validated here, without the queue, the worker and the document
 * stored in Postgres. Its digest, report and evidence record are stored as the worker would; the
 * record is sealed off the request path. Whenever a download would be needed, or anything else
 * goes wrong before a report is stored, the caller falls back to the queue, where the workers
 * download and validate as before: the fast path never answers differently, only sooner.
 */
export class FastValidation {
  private readonly logger = new Logger('FastValidation');
  /** The revocation settings of every validation here: nothing is waited for. */
  private readonly revocation: FastPathDeps['revocation'];

  constructor(
    private readonly deps: FastPathDeps,
    private readonly opts: FastPathOptions,
  ) {
    this.revocation = { ...deps.revocation, config: { ...deps.revocation.config, waitMs: 0 } };
  }

  /** Whether a document of this size may be validated here. */
  takes(size: number): boolean {
    return size <= this.opts.maxBytes;
  }

  /** The stored report, or undefined when the document is for the workers. */
  async tryValidate(input: {
    id: string;
    document: Uint8Array;
    documentSha256: string;
    owner: ValidationOwner;
    fileName?: string;
  }): Promise<DocumentReport | undefined> {
    if (!this.takes(input.document.byteLength)) return undefined;
    const d = this.deps;
    let outcome: Awaited<ReturnType<FastValidation['validate']>>;
    try {
      outcome = await this.validate(input.document, input.documentSha256);
    } catch (e) {
      // E.g. the registry's anchors cannot be had: the queued job retries where this cannot.
      this.logger.warn(`validation ${input.id} left to the workers: ${(e as Error).message}`);
      return undefined;
    }
    if (!outcome) return undefined;
    const { report, trustAnchors, fetches } = outcome;
    // Stored before the answer with the validation, in one statement (a lost record would be a
    // lost proof); sealed later.
    const record = d.evidence.build({
      validationId: input.id,
      pdf: input.document,
      report,
      trustAnchors,
      fetches,
    });
    await d.validations.createDone(
      {
        id: input.id,
        documentSha256: input.documentSha256,
        owner: input.owner,
        fileName: input.fileName,
        finishedAt: d.clock.now(),
      },
      record,
    );
    // Its seal may then leave the document's held proofs as they are.
    d.proofs.keepBuilt(record);
    d.sealer.add(record);
    return report;
  }

  private async validate(document: Uint8Array, documentSha256: string) {
    const d = this.deps;
    const pending = Promise.all([d.anchors.anchorSet(), d.proofs.proofsFor(documentSha256)]);
    readSignatures(document);
    const [{ trustStore, documentSigning: trustAnchors, timestamping }, proofs] = await pending;
    // The revocation of a validation answered within the request, but nothing is downloaded or waited for.
    const jobs = new CacheOnlyRevocationJobs();
    const fetchers: QueuedRevocationFetcher[] = [];
    const { policy, issuerFetcher } = inRequestRevocation({ ...this.revocation, jobs }, trustAnchors, fetchers);
    const now = d.clock.now();
    const verified = await d.pdf.verify(document, { documentSigning: trustAnchors, timestamping }, now, policy, {
      issuerFetcher,
      proofsOfExistence: proofs,
      documentSha256,
    });
    if (jobs.needed.length) return undefined;
    const report = withVerifierFacts(verified, trustStore, now);
    return { report, trustAnchors, fetches: fetchers.flatMap((f) => f.fetches) };
  }
}

/**
 * Reads the signatures and parses their CMS while the proofs query is out (it would wait for the
 * database otherwise): verifyPdf and the evidence record find both kept per bytes object. What
 * cannot be read is left for verifyPdf to report.
 */
function readSignatures(document: Uint8Array): void {
  try {
    for (const field of signatureFields(document)) parseSignedData(field.contents);
  } catch {
    // verifyPdf reads it again and reports the damage (or refuses what is not a PDF)
  }
}
