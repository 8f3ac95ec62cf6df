import type { JobName, JobResults } from '../jobs';
import { RevocationJobs, RevocationUnavailableError } from '../revocation/revocation-queue';

type Never = never;

/**
 * The revocation "queue" of a validation done in the API process: it never downloads. A check that
 * would need a download (nothing fresh in the caches) is refused at once, and `needed` tells the
 * fast path to hand the document to the workers, who do download; the report made here is dropped.
 */
export class CacheOnlyRevocationJobs extends RevocationJobs {
  /** The URLs a download was needed for (none: every answer came from the caches or the document). */
  readonly needed: string[] = [];

  fetchCrl(url: string): Promise<Extract<JobResults[JobName.FetchCrl], { ok: true }>> {
    return this.refuse(url);
  }

  fetchOcsp(url: string): Promise<Extract<JobResults[JobName.FetchOcsp], { ok: true }>> {
    return this.refuse(url);
  }

  fetchCertificates(url: string): Promise<Extract<JobResults[JobName.FetchCertificates], { ok: true }>> {
    return this.refuse(url);
  }

  async close(): Promise<void> {}

  private refuse(url: string): Promise<Never> {
    this.needed.push(url);
    return Promise.reject(
      new RevocationUnavailableError('REVOCATION_FETCH_TIMEOUT', `${url}: not cached (left to the workers)`),
    );
  }
}
