import 'reflect-metadata';
import request from 'supertest';
import { Client } from 'pg';
import { DevCa, generateSoftwareKey, OcspResponseOptions, signPdf } from '@kyso/pki';
import { unsignedPdf } from './fixtures';
import { anchorView } from './registry-stub';
import { VerifierStack } from './stack';
import { onceHeard, TOKEN } from './support';

const HOUR = 3_600_000;

/**
 * OCSP answers cached in Postgres until their nextUpdate (issue 16.1), through the API and a
 * worker, against a real HTTP responder that counts its requests. Each test has its own PKI.
 */
describe('verifier OCSP cache', () => {
  let db: VerifierStack['db'];
  const stack = new VerifierStack('ocsp');
  let base: string;
  let unsigned: Buffer;
  const { registry, server } = stack;

  beforeAll(async () => {
    await stack.start('kyso_verifier_ocsp', {
      maxUploadBytes: 1024 * 1024,
      workerConcurrency: 4,
      jobAttempts: 3,
      revocation: { waitMs: 8_000, ocspMaxAgeMs: 2 * HOUR, attempts: 2, fetchAllow: ['127.0.0.1'] },
    });
    ({ db, base } = stack);
    unsigned = await unsignedPdf();
  });

  afterAll(async () => {
    await stack.stop();
  });

  /** A root and a CA with OCSP responders (answers per `answer`), trusted, and one signed PDF. */
  async function signedWithOcsp(name: string, answer: Omit<OcspResponseOptions, 'request'>, delayMs = 0) {
    const path = (p: string) => `/${name}/${p}`;
    const root = await DevCa.createRoot({
      commonName: `${name} Root`,
      crlUrls: [`${server.url}${path('root.crl')}`],
      ocspUrl: `${server.url}${path('root-ocsp')}`,
    });
    const sub = await root.createSubordinate({
      commonName: `${name} CA`,
      crlUrls: [`${server.url}${path('sub.crl')}`],
      ocspUrl: `${server.url}${path('sub-ocsp')}`,
    });
    server.crl(path('root.crl'), root);
    server.crl(path('sub.crl'), sub);
    server.ocsp(path('root-ocsp'), root, { validityMs: HOUR });
    server.ocsp(path('sub-ocsp'), sub, answer, delayMs);
    registry.anchors.push(anchorView(root.certificate.toPem(), name));
    const key = generateSoftwareKey('ECDSA-P256-SHA256');
    const certificate = await sub.issue({
      subject: { CN: 'Lê Thị G', O: 'Sở Tư pháp', C: 'VN' },
      publicKeySpki: key.publicKeySpki,
      profile: 'person',
    });
    const pdf = Buffer.from(
      await signPdf(unsigned, { signer: key.signer, certificate, chain: [sub.certificate], signingTime: new Date() }),
    );
    const hits = (p: string) => server.hits(path(p));
    return { pdf, certificate, hits, subOcsp: `${server.url}${path('sub-ocsp')}` };
  }

  async function validate(pdf: Buffer) {
    const res = await request(base)
      .post('/validations/pdf?wait=30')
      .set('x-kyso-internal-token', TOKEN)
      .attach('file', pdf, 'signed.pdf');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('done');
    return res.body.report.signatures[0];
  }

  async function sql(text: string, params: unknown[]) {
    const c = new Client({ connectionString: db.url });
    await c.connect();
    try {
      return (await c.query(text, params)).rows;
    } finally {
      await c.end();
    }
  }

  it('asks the responder once for five validations of one file, and again once the answer passed nextUpdate', async () => {
    const s = await signedWithOcsp('five', { validityMs: HOUR });
    for (let i = 0; i < 5; i++)
      expect(await validate(s.pdf)).toMatchObject({ indication: 'TOTAL-PASSED', revocation: { source: 'ocsp' } });
    expect(s.hits('sub-ocsp')).toBe(1);
    expect(s.hits('root-ocsp')).toBe(1);
    expect(s.hits('sub.crl') + s.hits('root.crl')).toBe(0);
    const [row] = await sql('SELECT fetched_at, next_update FROM verifier.ocsp_cache WHERE url = $1', [s.subOcsp]);
    expect(row.next_update.getTime() - row.fetched_at.getTime()).toBeGreaterThan(HOUR - 60_000);

    await sql(`UPDATE verifier.ocsp_cache SET next_update = now() - interval '1 second' WHERE url = $1`, [s.subOcsp]);
    const again = await onceHeard(
      () => validate(s.pdf),
      () => s.hits('sub-ocsp') >= 2,
    );
    expect(again).toMatchObject({ indication: 'TOTAL-PASSED' });
    expect(s.hits('sub-ocsp')).toBe(2);
    expect(s.hits('root-ocsp')).toBe(1);
  });

  it('shares one request between parallel validations of the same certificate', async () => {
    const s = await signedWithOcsp('parallel', { validityMs: HOUR }, 500);
    const sigs = await Promise.all([1, 2, 3, 4].map(() => validate(s.pdf)));
    expect(sigs.map((g) => g.indication)).toEqual(['TOTAL-PASSED', 'TOTAL-PASSED', 'TOTAL-PASSED', 'TOTAL-PASSED']);
    expect(s.hits('sub-ocsp')).toBe(1);
  });

  it('never passes a certificate its CA answers `unknown` for, whatever the CRL says', async () => {
    const s = await signedWithOcsp('unknown', { validityMs: HOUR, issued: () => false });
    const sig = await validate(s.pdf);
    expect(sig.indication).toBe('INDETERMINATE');
    expect(JSON.stringify(sig.reasons)).toContain('OCSP_CERT_STATUS_UNKNOWN');
    expect(s.hits('sub.crl')).toBe(0);
  });
});
