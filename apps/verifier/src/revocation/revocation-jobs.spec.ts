import { FixedClock } from '@kyso/common';
import { DevCa } from '@kyso/pki';
import { CachedIssuers, CaIssuersCache } from './ca-issuers-cache.repository';
import type { CachedCrl } from './crl-cache';
import { CrlCache } from './crl-cache.repository';
import type { FetchResult } from './http-fetch';
import { RevocationJobHandlers, RevocationNetwork } from './revocation-jobs';

class MemoryIssuers extends CaIssuersCache {
  readonly rows = new Map<string, CachedIssuers>();
  async get(url: string) {
    return this.rows.get(url);
  }
  async put(c: CachedIssuers) {
    this.rows.set(c.url, c);
  }
}

class NoCrls extends CrlCache {
  async get(): Promise<CachedCrl | undefined> {
    return undefined;
  }
  async put(): Promise<void> {}
}

/** The caIssuers handler alone: the guarded HTTP client and the Postgres cache are tested elsewhere. */
describe('fetch-certificates job', () => {
  const url = 'http://ca.test/sub.cer';
  const clock = new FixedClock('2026-12-01T00:00:00Z');
  const DAY = 86_400_000;
  let answer: FetchResult;
  let downloads: number;
  let cache: MemoryIssuers;
  let handlers: RevocationJobHandlers;
  let caDer: Uint8Array;

  beforeAll(async () => {
    caDer = (await DevCa.createRoot({ commonName: 'Jobs Test Root' })).certificate.der;
  });

  beforeEach(() => {
    downloads = 0;
    answer = { ok: true, body: caDer };
    cache = new MemoryIssuers();
    const network: RevocationNetwork = {
      fetchCrl: async () => ({ ok: false, code: 'FETCH_HTTP_STATUS', message: 'unused', permanent: true }),
      fetchOcsp: async () => ({ ok: false, code: 'FETCH_HTTP_STATUS', message: 'unused', permanent: true }),
      fetchCertificates: async () => {
        downloads++;
        return answer;
      },
    };
    handlers = new RevocationJobHandlers(network, new NoCrls(), 0, { cache, maxAgeMs: DAY }, clock);
  });

  it('stores what parses as certificates, and reuses it until the max age', async () => {
    expect(await handlers.fetchCertificates({ url })).toEqual({
      ok: true,
      fetchedAt: clock.now().toISOString(),
      fromCache: false,
    });
    expect(cache.rows.get(url)?.body).toEqual(caDer);
    expect(await handlers.fetchCertificates({ url })).toMatchObject({ ok: true, fromCache: true });
    expect(downloads).toBe(1);
    clock.set(clock.now().getTime() + DAY);
    expect(await handlers.fetchCertificates({ url })).toMatchObject({ ok: true, fromCache: false });
    expect(downloads).toBe(2);
  });

  it('refuses for good what is not a certificate or PKCS#7, and stores nothing', async () => {
    answer = { ok: true, body: new TextEncoder().encode('<html>not found</html>') };
    expect(await handlers.fetchCertificates({ url })).toMatchObject({ ok: false, code: 'CA_ISSUERS_UNPARSABLE' });
    expect(cache.rows.size).toBe(0);
  });

  it('completes with the refusal for a permanent failure, and throws a transient one for a retry', async () => {
    answer = { ok: false, code: 'FETCH_ADDRESS_REFUSED', message: '::1 is loopback', permanent: true };
    expect(await handlers.fetchCertificates({ url })).toEqual({
      ok: false,
      code: 'FETCH_ADDRESS_REFUSED',
      message: '::1 is loopback',
    });
    answer = { ok: false, code: 'FETCH_TIMEOUT', message: 'slow', permanent: false };
    await expect(handlers.fetchCertificates({ url })).rejects.toThrow(/^FETCH_TIMEOUT: slow/);
    expect(cache.rows.size).toBe(0);
  });
});
