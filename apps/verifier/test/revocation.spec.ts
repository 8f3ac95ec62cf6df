import 'reflect-metadata';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { Client } from 'pg';
import { DevCa, DevTsa, generateSoftwareKey, MAX_CRL_BYTES, signPdf } from '@kyso/pki';
import { createVerifierApp } from '../src/app';
import { VerifierConfig } from '../src/config';
import { EvidenceSealer } from '../src/evidence/evidence-sealer';
import { startVerifierWorker, VerifierWorkerHandle } from '../src/worker';
import { unsignedPdf } from './fixtures';
import { anchorView } from './registry-stub';
import { VerifierStack } from './stack';
import { onceHeard, TOKEN } from './support';

/**
 * Revocation through the API and the workers: real Postgres (migrated), Redis (own prefix), and a
 * real HTTP server publishing each test PKI's CRLs and OCSP answers. Every test has its own PKI,
 * so hit counters and cached CRLs of one test never touch another.
 */
describe('verifier revocation', () => {
  let db: VerifierStack['db'];
  const stack = new VerifierStack('rev');
  let config: VerifierConfig;
  let base: string;
  let unsigned: Buffer;
  const { registry, server, prefix } = stack;

  beforeAll(async () => {
    ({ db, config, base } = await stack.start('kyso_verifier_rev', {
      maxUploadBytes: 1024 * 1024,
      workerConcurrency: 4,
      jobAttempts: 3,
      revocation: {
        fetchTimeoutMs: 3_000,
        waitMs: 8_000,
        crlMaxAgeMs: 3_600_000,
        concurrency: 4,
        attempts: 2,
        required: true,
        // The test CAs publish on loopback, which the fetch guard refuses unless allow-listed.
        fetchAllow: ['127.0.0.1'],
      },
    }));
    unsigned = await unsignedPdf();
  });

  afterAll(async () => {
    await stack.stop();
  });

  /** A root and a government CA whose certificates name this test's CRL (and OCSP) URLs, trusted by the registry. */
  async function testPki(
    name: string,
    opts: { ocsp?: boolean; crlDelayMs?: number; subCrlUrl?: string; caIssuersUrl?: string } = {},
  ) {
    const path = (p: string) => `/${name}/${p}`;
    const url = (p: string) => `${server.url}${path(p)}`;
    const root = await DevCa.createRoot({
      commonName: `${name} Root`,
      crlUrls: [url('root.crl')],
      ocspUrl: opts.ocsp ? url('root-ocsp') : undefined,
    });
    const sub = await root.createSubordinate({
      commonName: `${name} CA`,
      crlUrls: [opts.subCrlUrl ?? url('sub.crl')],
      ocspUrl: opts.ocsp ? url('sub-ocsp') : undefined,
      caIssuersUrl: opts.caIssuersUrl,
    });
    server.crl(path('root.crl'), root);
    server.crl(path('sub.crl'), sub, opts.crlDelayMs);
    if (opts.ocsp) {
      server.ocsp(path('root-ocsp'), root);
      server.ocsp(path('sub-ocsp'), sub);
    }
    registry.anchors.push(anchorView(root.certificate.toPem(), name));
    /** `leafOnly`: the PDF carries the signer's certificate alone (as VGCA-signed PDFs often do). */
    const sign = async (commonName = 'Nguyễn Văn A', { leafOnly = false } = {}) => {
      const key = generateSoftwareKey('ECDSA-P256-SHA256');
      const certificate = await sub.issue({
        subject: { CN: commonName, O: 'Sở Nội vụ', C: 'VN' },
        publicKeySpki: key.publicKeySpki,
        profile: 'person',
      });
      const signingTime = new Date(Math.floor(Date.now() / 1000) * 1000);
      const pdf = Buffer.from(
        await signPdf(unsigned, {
          signer: key.signer,
          certificate,
          chain: leafOnly ? [] : [sub.certificate],
          signingTime,
        }),
      );
      return { certificate, pdf, signingTime };
    };
    return { root, sub, path, url, sign };
  }

  /** The report of a finished validation: always a report (200 done), never a failed job. */
  async function validateReport(pdf: Buffer, via = base) {
    const res = await request(via)
      .post('/validations/pdf?wait=30')
      .set('x-kyso-internal-token', TOKEN)
      .attach('file', pdf, 'signed.pdf');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('done');
    return res.body.report;
  }
  const validate = async (pdf: Buffer, via = base) => (await validateReport(pdf, via)).signatures[0];

  /** The detail of the signature's unknown-revocation reason: the problems the checkers met. */
  const unknownDetail = (sig: { reasons: { code: string; detail?: string }[] }) =>
    sig.reasons.find((r) => r.code === 'REVOCATION_STATUS_UNKNOWN')?.detail;

  async function cachedRow(
    url: string,
  ): Promise<{ fetched_at: Date; this_update: Date; next_update: Date | null } | undefined> {
    const c = new Client({ connectionString: db.url });
    await c.connect();
    try {
      return (
        await c.query('SELECT fetched_at, this_update, next_update FROM verifier.crl_cache WHERE url = $1', [url])
      ).rows[0];
    } finally {
      await c.end();
    }
  }

  it("passes a signature whose chain the CAs' CRLs say is good, with the CRL fetch time in the report", async () => {
    const pki = await testPki('good');
    const { pdf } = await pki.sign();
    const sig = await validate(pdf);
    expect(sig).toMatchObject({ indication: 'TOTAL-PASSED', revocation: { checked: true, source: 'crl' } });
    expect(server.hits(pki.path('sub.crl'))).toBe(1);
    expect(server.hits(pki.path('root.crl'))).toBe(1); // the government CA's own status
    const row = await cachedRow(pki.url('sub.crl'));
    expect(row).toBeDefined();
    expect(row!.next_update!.getTime()).toBeGreaterThan(Date.now());
    expect(sig.revocation.fetchedAt).toBe(row!.fetched_at.toISOString());
  });

  it('is INDETERMINATE / REVOKED_NO_POE for a certificate revoked before the claimed signing time', async () => {
    const pki = await testPki('revoked');
    const { certificate, pdf, signingTime } = await pki.sign('Revoked Official');
    pki.sub.revoke(certificate, {
      revocationDate: new Date(signingTime.getTime() - 60_000),
      reason: 'affiliationChanged',
    });
    const sig = await validate(pdf);
    expect(sig).toMatchObject({
      indication: 'INDETERMINATE',
      subIndication: 'REVOKED_NO_POE',
      revocation: { checked: true, source: 'crl' },
    });
    expect(sig.reasons.map((r: { code: string }) => r.code)).toContain('REVOKED');
  });

  it('is INDETERMINATE / TRY_LATER, never passed, when the CRL server is down', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/sub.crl`;
    await new Promise((r) => closed.close(r));
    const pki = await testPki('down', { subCrlUrl: deadUrl });
    const { pdf } = await pki.sign();
    const started = Date.now();
    const sig = await validate(pdf);
    expect(sig).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'TRY_LATER' });
    expect(sig.reasons.map((r: { code: string }) => r.code)).toContain('REVOCATION_STATUS_UNKNOWN');
    expect(Date.now() - started).toBeLessThan(config.revocation!.waitMs!); // the failed job ended the wait, not the timeout
    expect(await cachedRow(deadUrl)).toBeUndefined();
  });

  it('fetches a CRL once for many validations, and again once the cached copy is older than the max age', async () => {
    const pki = await testPki('shared');
    const signed = await Promise.all([1, 2, 3, 4].map((i) => pki.sign(`Official ${i}`)));
    const sigs = await Promise.all(signed.map((s) => validate(s.pdf)));
    expect(sigs.map((s) => s.indication)).toEqual(['TOTAL-PASSED', 'TOTAL-PASSED', 'TOTAL-PASSED', 'TOTAL-PASSED']);
    expect(await validate(signed[0].pdf)).toMatchObject({ indication: 'TOTAL-PASSED' });
    expect(server.hits(pki.path('sub.crl'))).toBe(1);
    expect(server.hits(pki.path('root.crl'))).toBe(1);

    // Age the cached government-CA CRL past the max age (1 h): the next validation downloads it again.
    const c = new Client({ connectionString: db.url });
    await c.connect();
    await c.query(`UPDATE verifier.crl_cache SET fetched_at = fetched_at - interval '2 hours' WHERE url = $1`, [
      pki.url('sub.crl'),
    ]);
    await c.end();
    const again = await onceHeard(
      () => validate(signed[1].pdf),
      () => server.hits(pki.path('sub.crl')) >= 2,
    );
    expect(again).toMatchObject({ indication: 'TOTAL-PASSED' });
    expect(server.hits(pki.path('sub.crl'))).toBe(2);
    expect(server.hits(pki.path('root.crl'))).toBe(1);
    expect((await cachedRow(pki.url('sub.crl')))!.fetched_at.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('refuses an oversized CRL without retrying, and the signature is TRY_LATER', async () => {
    const pki = await testPki('oversized');
    const chunk = Buffer.alloc(1024 * 1024, 0x30);
    server.route(pki.path('sub.crl'), (_req, res) => {
      res.writeHead(200); // chunked: the size is found out while streaming
      let sent = 0;
      const pump = () => {
        while (sent <= MAX_CRL_BYTES && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => (sent = Infinity));
      pump();
    });
    const { pdf } = await pki.sign();
    const sig = await validate(pdf);
    expect(sig).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'TRY_LATER' });
    expect(server.hits(pki.path('sub.crl'))).toBe(1); // permanent failure: no retry
    expect(await cachedRow(pki.url('sub.crl'))).toBeUndefined();
    expect(unknownDetail(sig)).toMatch(/FETCH_TOO_LARGE/);
  });

  it('never fetches from a loopback address outside the allow-list: TRY_LATER, with FETCH_ADDRESS_REFUSED in the report', async () => {
    const refusedUrl = `http://[::1]:${new URL(server.url).port}/refused/sub.crl`;
    const pki = await testPki('refused', { subCrlUrl: refusedUrl });
    const { pdf } = await pki.sign();
    const sig = await validate(pdf);
    expect(sig).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'TRY_LATER' });
    expect(unknownDetail(sig)).toMatch(/CRL_FETCH_FAILED FETCH_ADDRESS_REFUSED/);
    expect(server.hits('/refused/sub.crl')).toBe(0);
    expect(await cachedRow(refusedUrl)).toBeUndefined();
  });

  describe('the CA away (issue 15): a report that says what is known, never a failed job', () => {
    /** TRY_LATER, not passed, with when to validate again. */
    async function expectTryLater(pdf: Buffer) {
      const started = Date.now();
      const report = await validateReport(pdf);
      expect(report.conclusion).toBe('INDETERMINATE');
      expect(report.signatures[0]).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'TRY_LATER' });
      expect(Date.parse(report.retryAfter)).toBeGreaterThan(started);
      expect(report.trustStore.version).toBe(registry.version);
      return report.signatures[0];
    }

    it('answers garbage for a CRL: TRY_LATER with CRL_UNPARSABLE, and nothing cached', async () => {
      const pki = await testPki('garbage-crl');
      server.route(
        pki.path('sub.crl'),
        (_req, res) => void res.writeHead(200).end(Buffer.from('<html>maintenance</html>')),
      );
      const sig = await expectTryLater((await pki.sign()).pdf);
      expect(unknownDetail(sig)).toMatch(/CRL_UNPARSABLE/);
      expect(await cachedRow(pki.url('sub.crl'))).toBeUndefined();
    });

    it('is too slow (past the fetch timeout): TRY_LATER with FETCH_TIMEOUT', async () => {
      const pki = await testPki('slow', { crlDelayMs: config.revocation!.fetchTimeoutMs! + 500 });
      const sig = await expectTryLater((await pki.sign()).pdf);
      expect(unknownDetail(sig)).toMatch(/FETCH_TIMEOUT/);
    });

    it('answers garbage for OCSP while its CRLs are down: TRY_LATER', async () => {
      const pki = await testPki('garbage-ocsp', { ocsp: true });
      server.route(
        pki.path('sub-ocsp'),
        (_req, res) => void res.writeHead(200).end(Buffer.from([0x30, 0x03, 0x0a, 0x01])),
      );
      server.route(pki.path('sub.crl'), (_req, res) => void res.writeHead(503).end());
      await expectTryLater((await pki.sign()).pdf);
    });

    it('fails under load (OCSP 500, CRLs 503): every validation a TRY_LATER report, one CRL download in flight; back up, all pass', async () => {
      const pki = await testPki('down-under-load', { ocsp: true });
      const officials = 16;
      const signed = await Promise.all(Array.from({ length: officials }, (_, i) => pki.sign(`Official ${i + 1}`)));
      server.route(pki.path('sub-ocsp'), (_req, res) => void res.writeHead(500).end());
      // Slow to fail, so that downloads made at the same time would overlap here.
      let inFlight = 0;
      let mostInFlight = 0;
      server.route(pki.path('sub.crl'), async (_req, res) => {
        mostInFlight = Math.max(mostInFlight, ++inFlight);
        await new Promise((r) => setTimeout(r, 150));
        inFlight--;
        res.writeHead(503).end();
      });
      const started = Date.now();
      const reports = await Promise.all(signed.map((s) => validateReport(s.pdf)));
      for (const report of reports) {
        expect(report.conclusion).toBe('INDETERMINATE');
        expect(report.signatures[0]).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'TRY_LATER' });
        expect(Date.parse(report.retryAfter)).toBeGreaterThan(started);
      }
      // Each official's OCSP request at most `attempts` times. The CRL they all fall back to is one
      // job while it is in flight, shared by the validations running meanwhile: the CA meets one
      // download at a time, fewer than one per validation.
      const attempts = config.revocation!.attempts!;
      expect(server.hits(pki.path('sub-ocsp'))).toBeGreaterThanOrEqual(officials);
      expect(server.hits(pki.path('sub-ocsp'))).toBeLessThanOrEqual(officials * attempts);
      expect(mostInFlight).toBe(1);

      expect(server.hits(pki.path('sub.crl'))).toBeGreaterThanOrEqual(1);
      expect(server.hits(pki.path('sub.crl'))).toBeLessThan(officials);
      expect(await cachedRow(pki.url('sub.crl'))).toBeUndefined();

      // Back up: nothing of the failures was kept, every document passes.
      server.ocsp(pki.path('sub-ocsp'), pki.sub);
      server.crl(pki.path('sub.crl'), pki.sub);
      const sigs = await Promise.all(signed.map((s) => validate(s.pdf)));
      expect(new Set(sigs.map((sig) => `${sig.indication} ${sig.revocation.source}`))).toEqual(
        new Set(['TOTAL-PASSED ocsp']),
      );
    });

    it('is down with a CRL cached past our max age but before its nextUpdate: judged from the cache', async () => {
      const pki = await testPki('stale');
      const { pdf } = await pki.sign();
      expect(await validate(pdf)).toMatchObject({ indication: 'TOTAL-PASSED' });
      const c = new Client({ connectionString: db.url });
      await c.connect();
      try {
        await c.query(`UPDATE verifier.crl_cache SET fetched_at = fetched_at - interval '2 hours' WHERE url = $1`, [
          pki.url('sub.crl'),
        ]);
        server.route(pki.path('sub.crl'), (_req, res) => void res.writeHead(503).end());
        const row = await cachedRow(pki.url('sub.crl'));
        const sig = await onceHeard(
          () => validate(pdf),
          () => server.hits(pki.path('sub.crl')) > 1,
        );
        expect(sig).toMatchObject({ indication: 'TOTAL-PASSED', revocation: { source: 'crl' } });
        expect(sig.revocation.fetchedAt).toBe(row!.fetched_at.toISOString()); // the report says how old it is
        expect(server.hits(pki.path('sub.crl'))).toBeGreaterThan(1); // it did try the CA first

        // Past the CA's own nextUpdate the copy proves nothing: TRY_LATER.
        await c.query(`UPDATE verifier.crl_cache SET next_update = now() - interval '1 minute' WHERE url = $1`, [
          pki.url('sub.crl'),
        ]);
        await onceHeard(
          () => validateReport(pdf),
          (r) => r.signatures[0]?.subIndication === 'TRY_LATER',
        );
        await expectTryLater(pdf);
      } finally {
        await c.end();
      }
    });
  });

  describe('with a second worker process', () => {
    let second: VerifierWorkerHandle;
    beforeAll(async () => {
      second = await startVerifierWorker(config);
    });
    afterAll(() => second?.close());

    it('shares one CRL download between the validations of both workers', async () => {
      // Slow enough for every validation to wait on it: 6 validations against 4 slots in the first worker, so both take part.
      const pki = await testPki('two-workers', { crlDelayMs: 500 });
      const signed = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => pki.sign(`Official ${i}`)));
      const sigs = await Promise.all(signed.map((s) => validate(s.pdf)));
      expect(new Set(sigs.map((s) => s.indication))).toEqual(new Set(['TOTAL-PASSED']));
      expect(server.hits(pki.path('sub.crl'))).toBe(1);
      expect(server.hits(pki.path('root.crl'))).toBe(1);
    });
  });

  it('asks the OCSP responder when the certificate names one, and the CRLs are left alone', async () => {
    const pki = await testPki('ocsp', { ocsp: true });
    const good = await pki.sign('OCSP Good');
    const sig = await validate(good.pdf);
    expect(sig).toMatchObject({ indication: 'TOTAL-PASSED', revocation: { checked: true, source: 'ocsp' } });
    expect(sig.revocation.fetchedAt).toEqual(expect.any(String));
    expect(server.hits(pki.path('sub-ocsp'))).toBe(1);
    expect(server.hits(pki.path('root-ocsp'))).toBe(1);
    expect(server.hits(pki.path('sub.crl')) + server.hits(pki.path('root.crl'))).toBe(0);

    const revoked = await pki.sign('OCSP Revoked');
    pki.sub.revoke(revoked.certificate, {
      revocationDate: new Date(revoked.signingTime.getTime() - 60_000),
      reason: 'superseded',
    });
    expect(await validate(revoked.pdf)).toMatchObject({
      indication: 'INDETERMINATE',
      subIndication: 'REVOKED_NO_POE',
      revocation: { source: 'ocsp' },
    });
    expect(server.hits(pki.path('sub-ocsp'))).toBe(2); // answers without nextUpdate are never cached
  });
  describe('missing intermediates from AIA caIssuers', () => {
    async function cachedIssuers(url: string): Promise<{ fetched_at: Date } | undefined> {
      const c = new Client({ connectionString: db.url });
      await c.connect();
      try {
        return (await c.query('SELECT fetched_at FROM verifier.ca_issuers_cache WHERE url = $1', [url])).rows[0];
      } finally {
        await c.end();
      }
    }

    it('completes a leaf-only signature from the caIssuers URL, and the next validation takes it from the cache', async () => {
      const pki = await testPki('aia', { caIssuersUrl: `${server.url}/aia/sub.cer` });
      server.route(pki.path('sub.cer'), (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/pkix-cert' }).end(Buffer.from(pki.sub.certificate.der));
      });
      const first = await pki.sign('Leaf Only 1', { leafOnly: true });
      expect(await validate(first.pdf)).toMatchObject({ indication: 'TOTAL-PASSED' });
      expect(server.hits(pki.path('sub.cer'))).toBe(1);
      expect(await cachedIssuers(pki.url('sub.cer'))).toBeDefined();

      const second = await pki.sign('Leaf Only 2', { leafOnly: true });
      expect(await validate(second.pdf)).toMatchObject({ indication: 'TOTAL-PASSED' });
      expect(server.hits(pki.path('sub.cer'))).toBe(1);
    });

    it('reports NO_CERTIFICATE_CHAIN_FOUND, never a failed job, when the caIssuers address is refused', async () => {
      const refusedUrl = `http://[::1]:${new URL(server.url).port}/aia-refused/sub.cer`;
      const pki = await testPki('aia-refused', { caIssuersUrl: refusedUrl });
      const { pdf } = await pki.sign('Leaf Only Refused', { leafOnly: true });
      const sig = await validate(pdf);
      expect(sig).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'NO_CERTIFICATE_CHAIN_FOUND' });
      const detail = sig.reasons.find((r: { code: string }) => r.code === 'NO_CERTIFICATE_CHAIN_FOUND')?.detail;
      expect(detail).toContain(`caIssuers ${refusedUrl}: FETCH_ADDRESS_REFUSED`);
      expect(server.hits('/aia-refused/sub.cer')).toBe(0);
      expect(await cachedIssuers(refusedUrl)).toBeUndefined();
    });
  });

  it('takes the POE of a TSA under a root registered for timestamping, and that root anchors no signer', async () => {
    const pki = await testPki('tsa-purpose');
    const tsaRoot = await DevCa.createRoot({ commonName: 'tsa-purpose TSA Root', crlUrls: [pki.url('tsa.crl')] });
    server.crl(pki.path('tsa.crl'), tsaRoot);
    registry.anchors.push({ ...anchorView(tsaRoot.certificate.toPem(), 'TSA root'), purpose: 'timestamping' });
    const genTime = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    const tsa = await DevTsa.create(tsaRoot, { commonName: 'tsa-purpose TSA', clock: () => genTime });
    const key = generateSoftwareKey('ECDSA-P256-SHA256');
    const certificate = await pki.sub.issue({
      subject: { CN: 'Timestamped Official', C: 'VN' },
      publicKeySpki: key.publicKeySpki,
      profile: 'person',
    });
    const stamped = await signPdf(unsigned, {
      signer: key.signer,
      certificate,
      chain: [pki.sub.certificate],
      signingTime: genTime,
      timestamp: (request) => tsa.timestamp(request),
    });
    const sig = await validate(Buffer.from(stamped));
    expect(sig).toMatchObject({ indication: 'TOTAL-PASSED', signingTime: { timestamped: genTime.toISOString() } });

    // An official certified directly by the TSA root: not a document-signing anchor, so no chain.
    const underTsaRoot = generateSoftwareKey('ECDSA-P256-SHA256');
    const misplaced = await tsaRoot.issue({
      subject: { CN: 'Under The TSA Root', C: 'VN' },
      publicKeySpki: underTsaRoot.publicKeySpki,
      profile: 'person',
    });
    const pdf = await signPdf(unsigned, {
      signer: underTsaRoot.signer,
      certificate: misplaced,
      chain: [],
      signingTime: genTime,
    });
    expect(await validate(Buffer.from(pdf))).toMatchObject({
      indication: 'INDETERMINATE',
      subIndication: 'NO_CERTIFICATE_CHAIN_FOUND',
    });
  });

  describe('fast path (issue 16.2): an API whose queue no worker reads', () => {
    let lonely: NestExpressApplication;
    let lonelyBase: string;
    beforeAll(async () => {
      lonely = await createVerifierApp({ ...config, queuePrefix: `${prefix}:noworker` });
      await lonely.listen(0, '127.0.0.1');
      lonelyBase = (await lonely.getUrl()).replace('[::1]', '127.0.0.1');
    });
    afterAll(() => lonely?.close());

    const postTo = (via: string, pdf: Buffer, wait: number) =>
      request(via)
        .post(`/validations/pdf?wait=${wait}`)
        .set('x-kyso-internal-token', TOKEN)
        .attach('file', pdf, 'a.pdf');

    it('validates in-process from the cached CRLs: digest, report and sealed evidence kept, not the bytes', async () => {
      const pki = await testPki('fast');
      await validate((await pki.sign('First')).pdf); // the workers fetch both CRLs
      const res = await postTo(lonelyBase, (await pki.sign('Second')).pdf, 5);
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('done');
      const { report } = res.body;
      expect(report.signatures[0]).toMatchObject({
        indication: 'TOTAL-PASSED',
        revocation: { checked: true, source: 'crl' },
      });
      expect([server.hits(pki.path('sub.crl')), server.hits(pki.path('root.crl'))]).toEqual([1, 1]);

      const c = new Client({ connectionString: db.url });
      await c.connect();
      try {
        const v = await c.query('SELECT status, document IS NULL AS no_bytes FROM verifier.validation WHERE id = $1', [
          res.body.id,
        ]);
        expect(v.rows).toEqual([{ status: 'done', no_bytes: true }]);
        const e = await c.query('SELECT id, material FROM verifier.validation_evidence WHERE validation_id = $1', [
          res.body.id,
        ]);
        expect(e.rows[0].material.crls.map((x: { url: string }) => x.url).sort()).toEqual(
          [pki.url('root.crl'), pki.url('sub.crl')].sort(),
        );
        // Sealed off the request path, after the answer.
        const sealed = () =>
          registry.events
            .filter((x) => x.action === 'validation.evidence-recorded')
            .flatMap((x) => (x.after as { records: { evidenceId: string; validationId: string }[] }).records)
            .find((r) => r.validationId === res.body.id);
        await lonely.get(EvidenceSealer).idle();
        expect(sealed()).toMatchObject({ evidenceId: e.rows[0].id, documentSha256: report.documentSha256 });
      } finally {
        await c.end();
      }
    });

    it('leaves to the workers a document whose CRLs are not cached, and asynchronous requests', async () => {
      const pki = await testPki('fast-uncached');
      const needsDownload = await postTo(lonelyBase, (await pki.sign()).pdf, 1);
      expect(needsDownload.status).toBe(202);
      expect(needsDownload.body.status).toBe('pending');
      expect(server.hits(pki.path('sub.crl')) + server.hits(pki.path('root.crl'))).toBe(0);

      const asynchronous = await postTo(lonelyBase, unsigned, 0);
      expect(asynchronous.status).toBe(202);
    });
  });
});
