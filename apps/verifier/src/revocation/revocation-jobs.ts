import { Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { Clock, SystemClock } from '@kyso/common';
import { Crl, PkiFormatError } from '@kyso/pki';
import { JobName, JobPayloads, JobResults } from '../jobs';
import { isFresh } from './crl-cache';
import { CrlCache } from './crl-cache.repository';
import { RevocationFetchError } from './http-fetch';

/** The network as the handlers need it (HttpRevocationClient in production). */
export interface RevocationNetwork {
  fetchCrl(url: string): Promise<Uint8Array>;
  fetchOcsp(url: string, request: Uint8Array): Promise<Uint8Array>;
}

/**
 * The `revocation` queue's handlers, run by the worker. Permanent failures (bad URL, oversized or
 * unparsable answer, 4xx) end the job at once (UnrecoverableError); transient ones are thrown
 * so BullMQ retries with backoff.
 */
export class RevocationJobHandlers {
  private readonly logger = new Logger('RevocationJobs');

  constructor(
    private readonly network: RevocationNetwork,
    private readonly cache: CrlCache,
    private readonly crlMaxAgeMs: number,
    private readonly clock: Clock = new SystemClock(),
  ) {}

  async fetchCrl({ url }: JobPayloads[JobName.FetchCrl]): Promise<JobResults[JobName.FetchCrl]> {
    // Another job may have stored it between the caller's cache miss and this job: no second download.
    const cached = await this.cache.get(url);
    if (cached && isFresh(cached, this.clock.now(), this.crlMaxAgeMs)) return result(cached, true);
    const der = await this.download(url, () => this.network.fetchCrl(url));
    let crl: Crl;
    try {
      crl = Crl.parse(der);
    } catch (e) {
      const code = e instanceof PkiFormatError ? e.code : 'MALFORMED_CRL';
      this.logger.warn(`CRL from ${url} refused: ${code}`);
      throw new UnrecoverableError(`UNPARSABLE_CRL: ${code} from ${url}`);
    }
    const stored = {
      url,
      der: crl.der,
      fetchedAt: this.clock.now(),
      thisUpdate: crl.thisUpdate,
      nextUpdate: crl.nextUpdate ?? null,
    };
    await this.cache.put(stored);
    return result(stored, false);
  }

  async fetchOcsp({ url, request }: JobPayloads[JobName.FetchOcsp]): Promise<JobResults[JobName.FetchOcsp]> {
    const der = await this.download(url, () => this.network.fetchOcsp(url, Buffer.from(request, 'base64')));
    return { response: Buffer.from(der).toString('base64'), fetchedAt: this.clock.now().toISOString() };
  }

  private async download(url: string, fetch: () => Promise<Uint8Array>): Promise<Uint8Array> {
    try {
      return await fetch();
    } catch (e) {
      if (e instanceof RevocationFetchError && e.permanent) {
        this.logger.warn(`download from ${url} refused: ${e.message}`);
        throw new UnrecoverableError(e.message);
      }
      throw e;
    }
  }
}

function result(
  c: { fetchedAt: Date; thisUpdate: Date; nextUpdate: Date | null },
  fromCache: boolean,
): JobResults[JobName.FetchCrl] {
  return {
    fetchedAt: c.fetchedAt.toISOString(),
    thisUpdate: c.thisUpdate.toISOString(),
    nextUpdate: c.nextUpdate?.toISOString() ?? null,
    fromCache,
  };
}
