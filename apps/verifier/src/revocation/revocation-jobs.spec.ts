import { FixedClock } from '@kyso/common';
import { buildOcspRequest, DevCa, generateSoftwareKey } from '@kyso/pki';
import { CachedIssuers, CaIssuersCache } from './ca-issuers-cache.repository';
import type { CachedCrl } from './crl-cache';
import { CrlCache } from './crl-cache.repository';
import type { FetchResult } from './http-fetch';
import { CachedOcsp } from './ocsp-cache';
import { OcspCache } from './ocsp-cache.repository';
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

class MemoryOcsp extends OcspCache {
  readonly rows = new Map<string, CachedOcsp>();
  async get(key: string) {
    return this.rows.get(key);
  }
  async put(a: CachedOcsp) {
    this.rows.set(a.key, a);
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
    handlers = new RevocationJobHandlers(
      network,
      new NoCrls(),
      0,
      { cache, maxAgeMs: DAY },
      { cache: new MemoryOcsp(), maxAgeMs: DAY },
      clock,
    );
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

/** The fetch-ocsp handler with an in-memory cache: what it keeps, and for how long. */
describe('fetch-ocsp job', () => {
  const url = 'http://ca.test/ocsp';
  const HOUR = 3_600_000;
  const clock = new FixedClock('2026-12-01T00:00:00Z');
  let ca: DevCa;
  let request: string;
  let validityMs: number | undefined;
  let downloads: number;
  let cache: MemoryOcsp;
  let handlers: RevocationJobHandlers;

  beforeAll(async () => {
    ca = await DevCa.createRoot({ commonName: 'OCSP Jobs Root' });
    const leaf = await ca.issue({
      subject: { CN: 'Trần Văn F' },
      publicKeySpki: generateSoftwareKey().publicKeySpki,
      profile: 'person',
    });
    request = Buffer.from(buildOcspRequest({ certificate: leaf, issuer: ca.certificate, nonce: false }).der).toString(
      'base64',
    );
  });

  beforeEach(() => {
    clock.set(new Date('2026-12-01T00:00:00Z').getTime());
    downloads = 0;
    cache = new MemoryOcsp();
    const network: RevocationNetwork = {
      fetchCrl: async () => ({ ok: false, code: 'FETCH_HTTP_STATUS', message: 'unused', permanent: true }),
      fetchCertificates: async () => ({ ok: false, code: 'FETCH_HTTP_STATUS', message: 'unused', permanent: true }),
      fetchOcsp: async (_url, req) => {
        downloads++;
        return { ok: true, body: await ca.ocspResponse({ request: req, thisUpdate: clock.now(), validityMs }) };
      },
    };
    const issuers = { cache: new MemoryIssuers(), maxAgeMs: HOUR };
    handlers = new RevocationJobHandlers(network, new NoCrls(), 0, issuers, { cache, maxAgeMs: 2 * HOUR }, clock);
  });

  it('keeps an answer until its nextUpdate, then asks the responder again', async () => {
    validityMs = HOUR;
    const first = await handlers.fetchOcsp({ url, request });
    expect(first).toMatchObject({ ok: true, fetchedAt: clock.now().toISOString() });
    expect([...cache.rows.values()]).toMatchObject([{ url, nextUpdate: new Date(clock.now().getTime() + HOUR) }]);
    clock.set(clock.now().getTime() + HOUR - 1);
    expect(await handlers.fetchOcsp({ url, request })).toEqual(first);
    expect(downloads).toBe(1);
    clock.set(clock.now().getTime() + 1);
    expect(await handlers.fetchOcsp({ url, request })).toMatchObject({ fetchedAt: clock.now().toISOString() });
    expect(downloads).toBe(2);
  });

  it('keeps an answer no longer than the max age, and one without nextUpdate not at all', async () => {
    validityMs = 24 * HOUR;
    await handlers.fetchOcsp({ url, request });
    clock.set(clock.now().getTime() + 2 * HOUR);
    await handlers.fetchOcsp({ url, request });
    expect(downloads).toBe(2);
    validityMs = undefined;
    cache.rows.clear();
    await handlers.fetchOcsp({ url, request });
    await handlers.fetchOcsp({ url, request });
    expect(downloads).toBe(4);
    expect(cache.rows.size).toBe(0);
  });
});
