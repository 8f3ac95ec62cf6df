import { Logger } from '@nestjs/common';
import { Clock, SystemClock } from '@kyso/common';
import { Crl, parseIssuerBundle, PkiFormatError } from '@kyso/pki';
import { FetchRefused, JobName, JobPayloads, JobResults } from '../jobs';
import { CaIssuersCache, isFreshIssuers } from './ca-issuers-cache.repository';
import { isFresh } from './crl-cache';
import { CrlCache } from './crl-cache.repository';
import { FetchResult } from './http-fetch';
import { ocspCacheKey, ocspReusableUntil } from './ocsp-cache';
import { OcspCache } from './ocsp-cache.repository';

/** The network as the handlers need it (HttpRevocationClient in production). */
export interface RevocationNetwork {
  fetchCrl(url: string): Promise<FetchResult>;
  fetchOcsp(url: string, request: Uint8Array): Promise<FetchResult>;
  fetchCertificates(url: string): Promise<FetchResult>;
}

/** Where OCSP answers are kept, and for how long at most (they are used until their nextUpdate). */
export interface OcspCacheSettings {
  cache: OcspCache;
  maxAgeMs: number;
}

/** Where AIA caIssuers downloads are kept, and for how long they are used. */
export interface IssuerCacheSettings {
  cache: CaIssuersCache;
  maxAgeMs: number;
}

/**
 * The `revocation` queue's handlers, run by the worker: CRLs, OCSP and AIA caIssuers downloads. Permanent refusals (address not allowed,
 * bad URL, oversized or unparsable answer, 4xx) complete the job with a FetchRefused value, so
 * nothing retries them and the validation reports the code; transient failures are thrown (the
 * message starting with their code) so BullMQ retries with backoff.
 */
export class RevocationJobHandlers {
  private readonly logger = new Logger('RevocationJobs');

  constructor(
    private readonly network: RevocationNetwork,
    private readonly cache: CrlCache,
    private readonly crlMaxAgeMs: number,
    private readonly issuers: IssuerCacheSettings,
    private readonly ocsp: OcspCacheSettings,
    private readonly clock: Clock = new SystemClock(),
  ) {}

  async fetchCrl({ url }: JobPayloads[JobName.FetchCrl]): Promise<JobResults[JobName.FetchCrl]> {
    // Another job may have stored it between the caller's cache miss and this job: no second download.
    const cached = await this.cache.get(url);
    if (cached && isFresh(cached, this.clock.now(), this.crlMaxAgeMs)) return result(cached, true);
    const got = await this.download(url, () => this.network.fetchCrl(url));
    if (!got.ok) return got;
    let crl: Crl;
    try {
      crl = Crl.parse(got.body);
    } catch (e) {
      const code = e instanceof PkiFormatError ? e.code : 'MALFORMED_CRL';
      return this.refused(url, 'CRL_UNPARSABLE', `${code} from ${url}`);
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

  /** As for CRLs: an answer another job stored meanwhile is not asked for again. */
  async fetchOcsp({ url, request }: JobPayloads[JobName.FetchOcsp]): Promise<JobResults[JobName.FetchOcsp]> {
    const der = Buffer.from(request, 'base64');
    const key = ocspCacheKey(url, der);
    const cached = await this.ocsp.cache.get(key);
    if (cached && isFresh(cached, this.clock.now(), this.ocsp.maxAgeMs))
      return {
        ok: true,
        response: Buffer.from(cached.der).toString('base64'),
        fetchedAt: cached.fetchedAt.toISOString(),
      };
    const got = await this.download(url, () => this.network.fetchOcsp(url, der));
    if (!got.ok) return got;
    const fetchedAt = this.clock.now();
    const nextUpdate = ocspReusableUntil(got.body);
    if (nextUpdate && this.ocsp.maxAgeMs > 0)
      await this.ocsp.cache.put({ key, url, der: got.body, fetchedAt, nextUpdate });
    return { ok: true, response: Buffer.from(got.body).toString('base64'), fetchedAt: fetchedAt.toISOString() };
  }

  /**
   * A missing intermediate from an AIA caIssuers URL. Stored only once it parses as certificates
   * (a certificate or a certs-only PKCS#7); whether they are the right issuer, and genuine, is for
   * path validation to say.
   */
  async fetchCertificates({
    url,
  }: JobPayloads[JobName.FetchCertificates]): Promise<JobResults[JobName.FetchCertificates]> {
    const cached = await this.issuers.cache.get(url);
    const now = this.clock.now();
    if (cached && isFreshIssuers(cached, now, this.issuers.maxAgeMs))
      return { ok: true, fetchedAt: cached.fetchedAt.toISOString(), fromCache: true };
    const got = await this.download(url, () => this.network.fetchCertificates(url));
    if (!got.ok) return got;
    try {
      parseIssuerBundle(got.body);
    } catch (e) {
      const code = e instanceof PkiFormatError ? e.code : 'MALFORMED_ISSUER_BUNDLE';
      return this.refused(url, 'CA_ISSUERS_UNPARSABLE', `${code} from ${url}`);
    }
    await this.issuers.cache.put({ url, body: got.body, fetchedAt: now });
    return { ok: true, fetchedAt: now.toISOString(), fromCache: false };
  }

  private async download(
    url: string,
    fetch: () => Promise<FetchResult>,
  ): Promise<{ ok: true; body: Uint8Array } | FetchRefused> {
    const r = await fetch();
    if (r.ok) return r;
    if (r.permanent) return this.refused(url, r.code, r.message);
    throw new Error(`${r.code}: ${r.message}`);
  }

  private refused(url: string, code: string, message: string): FetchRefused {
    this.logger.warn(`download from ${url} refused: ${code}: ${message}`);
    return { ok: false, code, message };
  }
}

function result(
  c: { fetchedAt: Date; thisUpdate: Date; nextUpdate: Date | null },
  fromCache: boolean,
): JobResults[JobName.FetchCrl] {
  return {
    ok: true,
    fetchedAt: c.fetchedAt.toISOString(),
    thisUpdate: c.thisUpdate.toISOString(),
    nextUpdate: c.nextUpdate?.toISOString() ?? null,
    fromCache,
  };
}
