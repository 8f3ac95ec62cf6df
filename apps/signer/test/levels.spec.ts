import { createHash } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  Certificate,
  CMS_OID,
  DevCa,
  DevTsa,
  findSignatures,
  generateSoftwareKey,
  parseSignedData,
  readDss,
  signedByteRanges,
  verifyPdf,
} from '@kyso/pki';
import { PDFDocument } from 'pdf-lib';
import { Client } from 'pg';
import request from 'supertest';
import { createTestDatabase } from '../../../test/support/db';
import { asBuffer } from '../../../test/support/http';
import { opensslTsVerify, pdfsig, signWithPdfsig } from '../../../test/support/independent-verifiers';
import { createActiveTestToken, TestToken } from '../../../test/support/token';
import { createSignerApp } from '../src/app';
import type { SignerConfig } from '../src/config';
import { migrateSigner } from '../src/data-source';
import { localCheckFor, LocalCertificateCheck } from './local-certificate-check';
import { startRegistryStub, StubCertificate } from './registry-stub';
import { generateTokenKeys } from './token-keys';
import { startTsaServer } from './tsa-server';
import { INTERNAL, stopSignerParts, stubCertificate, testSignerConfig } from './support';

const OFFICIAL = 'official-tran-thi-b';

/** The RFC 3161 tokens of a signature (unsigned attribute signatureTimeStampToken) and the signature value they cover. */
function signatureTokens(cms: Uint8Array) {
  const si = parseSignedData(cms).signerInfos[0];
  const tokens = si.unsignedAttributes.filter((a) => a.type === CMS_OID.timeStampToken).flatMap((a) => a.values);
  return { tokens, signatureValue: si.signature };
}

describe('PAdES levels B-B..B-LTA and extend (signer over HTTP, SoftHSM2, Postgres, a real RFC 3161 TSA)', () => {
  let token: TestToken;
  let db: { url: string; drop: () => Promise<void> };
  let registry: Awaited<ReturnType<typeof startRegistryStub>>;
  let tsaServer: Awaited<ReturnType<typeof startTsaServer>>;
  let app: NestExpressApplication;
  let pg: Client;
  let root: DevCa;
  let rootPem: string;
  let pdf: Buffer;
  let check: LocalCertificateCheck;
  let revoked: Certificate;
  let later: Certificate;
  /** The registry's record of `later`, whose status a test changes. */
  let laterRecord: StubCertificate;
  const http = () => request(app.getHttpServer());
  const sign = (fields: Record<string, string>, file: Buffer = pdf) => {
    let r = http().post('/signatures/pdf').set('x-kyso-internal-token', INTERNAL);
    for (const [k, v] of Object.entries({ pin: '1234', actingOfficialId: OFFICIAL, ...fields })) r = r.field(k, v);
    return asBuffer(r.attach('file', file, { filename: 'cong-van.pdf', contentType: 'application/pdf' }));
  };
  const extend = (file: Uint8Array, level: string) =>
    asBuffer(
      http()
        .post('/signatures/pdf/extend')
        .set('x-kyso-internal-token', INTERNAL)
        .field('level', level)
        .attach('file', Buffer.from(file), { filename: 'signed.pdf', contentType: 'application/pdf' }),
    );
  /** Kyso's own verifier, offline: revocation comes only from the document (required for B-LT and up). */
  const verify = (signed: Uint8Array, requireRevocation: boolean) =>
    verifyPdf(signed, { trustAnchors: [root.certificate], requireRevocation });

  beforeAll(async () => {
    [token, db] = await Promise.all([createActiveTestToken(), createTestDatabase('kyso_signer_levels')]);
    await migrateSigner(db.url);
    const [rsa, other] = await generateTokenKeys(token, [
      { label: 'tran-thi-b', id: 1, algorithm: 'RSASSA-PKCS1-v1_5-SHA256' },
      { label: 'revoked', id: 2, algorithm: 'ECDSA-P256-SHA256' },
    ]);

    root = await DevCa.createRoot({ commonName: 'Kyso Levels Root CA' });
    rootPem = root.certificate.toPem();
    const person = await root.issue({
      subject: { CN: 'Trần Thị B', O: 'Sở Tư pháp', C: 'VN' },
      publicKeySpki: rsa.publicKeySpki,
      profile: 'person',
    });
    revoked = await root.issue({
      subject: { CN: 'Lê Văn C', O: 'Sở Tư pháp', C: 'VN' },
      publicKeySpki: other.publicKeySpki,
      profile: 'person',
    });
    root.revoke(revoked, { revocationDate: new Date(Date.now() - 60_000), reason: 'affiliationChanged' });
    // A second certificate for the same key, revoked by a test after it has signed.
    later = await root.issue({
      subject: { CN: 'Trần Thị B', O: 'Sở Tư pháp', C: 'VN' },
      publicKeySpki: rsa.publicKeySpki,
      profile: 'person',
    });
    const view = (id: string, cert: Certificate, keyUri: string): StubCertificate =>
      stubCertificate(id, OFFICIAL, cert, keyUri, [rootPem]);
    laterRecord = view('cert-later', later, rsa.ref.uri);
    registry = await startRegistryStub(INTERNAL, [
      view('cert-good', person, rsa.ref.uri),
      view('cert-revoked', revoked, other.ref.uri),
      laterRecord,
    ]);
    tsaServer = await startTsaServer(await DevTsa.create(root));
    check = localCheckFor(root);
    const config: SignerConfig = testSignerConfig(token, {
      databaseUrl: db.url,
      registryUrl: registry.url,
      maxPdfBytes: 1024 * 1024,
      tsaUrl: tsaServer.url,
      tsaTimeoutMs: 1_000,
    });
    app = await createSignerApp(config, { certificateCheck: check });
    await app.listen(0, '127.0.0.1');
    const doc = await PDFDocument.create();
    doc.addPage([595, 842]);
    pdf = Buffer.from(await doc.save());
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });

  afterAll(async () => {
    await tsaServer?.close();
    await stopSignerParts({ pg, app, registry, db, token });
  });

  /** A signature's evidence row, its hash lists resolved to the stored DER items (base64). */
  const evidenceRow = async (eventId: string) => {
    const row = (await pg.query('SELECT * FROM signer.signing_evidence WHERE signature_event_id = $1', [eventId]))
      .rows[0];
    const items = async (hashes: string[]) => {
      const found = await pg.query('SELECT sha256, der FROM signer.evidence_item WHERE sha256 = ANY ($1)', [hashes]);
      const der = new Map(found.rows.map((r: { sha256: string; der: Buffer }) => [r.sha256, r.der]));
      return hashes.map((h) => {
        const item = der.get(h);
        expect(item && createHash('sha256').update(item).digest('hex')).toBe(h);
        return item!.toString('base64');
      });
    };
    return {
      ...row,
      certificates: await items(row.certificates),
      crls: await items(row.crls),
      ocsps: await items(row.ocsps),
    };
  };

  it.each(['B-B', 'B-T', 'B-LT', 'B-LTA'])(
    'signs at %s: pdfsig accepts it, openssl ts -verify its tokens, Kyso verifies it TOTAL-PASSED',
    async (level) => {
      tsaServer.state.mode = 'ok';
      const before = Date.now();
      const res = await sign({ certificateId: 'cert-good', level });
      expect(res.status).toBe(200);
      expect(res.headers['x-kyso-signature-level']).toBe(level);
      const signed = new Uint8Array(res.body as Buffer);
      expect(Buffer.from(signed.subarray(0, pdf.length)).equals(pdf)).toBe(true);

      const out = await pdfsig(signed, rootPem);
      expect(out).toMatch(/Signature #1:[\s\S]*?Signature Validation: Signature is Valid\./);

      const fields = findSignatures(signed);
      expect(fields).toHaveLength(level === 'B-LTA' ? 2 : 1);
      const { tokens, signatureValue } = signatureTokens(fields[0].contents);
      expect(tokens).toHaveLength(level === 'B-B' ? 0 : 1);
      for (const t of tokens) expect(await opensslTsVerify(t, signatureValue, rootPem)).toContain('Verification: OK');
      if (level === 'B-LTA') {
        const doc = fields[1];
        expect(doc.subFilter).toBe('ETSI.RFC3161');
        const data = Buffer.concat(signedByteRanges(signed, doc.byteRange));
        expect(await opensslTsVerify(doc.contents, data, rootPem)).toContain('Verification: OK');
      }

      const longTerm = level === 'B-LT' || level === 'B-LTA';
      const report = await verify(signed, longTerm);
      const sig = report.signatures[0];
      expect(sig.indication).toBe('TOTAL-PASSED');
      if (longTerm) expect(sig.revocation).toMatchObject({ checked: true, source: 'crl' });
      if (level === 'B-B') expect(sig.signingTime.timestamped).toBeNull();
      else {
        expect(sig.signingTime.provenBy).toBe('timestamp');
        const at = Date.parse(sig.signingTime.timestamped!);
        expect(at).toBeGreaterThanOrEqual(before - 1_000);
        expect(new Date(res.headers['x-kyso-timestamp-time']).getTime()).toBe(at);
        expect(sig.timestamps.map((t) => [t.type, t.indication])).toEqual(
          level === 'B-LTA'
            ? [
                ['signature', 'TOTAL-PASSED'],
                ['document', 'TOTAL-PASSED'],
              ]
            : [['signature', 'TOTAL-PASSED']],
        );
      }

      const row = await evidenceRow(res.headers['x-kyso-signature-id']);
      expect(row).toMatchObject({ operation: 'sign', level });
      // The signer's certificate and the root; from B-LT on, the TSA's too (its token is validated later as well).
      expect(row.certificates).toHaveLength(longTerm ? 3 : 2);
      const dss = readDss(signed);
      expect(dss.certs.map((c) => Buffer.from(c).toString('base64')).sort()).toEqual(
        longTerm ? [...row.certificates].sort() : [],
      );
      expect(dss.crls.length).toBe(longTerm ? row.crls.length : 0);
      expect(row.crls.length).toBeGreaterThanOrEqual(1);
      if (level !== 'B-B')
        expect(new Date(row.timestamp_time).getTime()).toBe(Date.parse(sig.signingTime.timestamped!));
    },
  );

  it('stores each evidence item once: a second signature with the same path adds its hashes, not its bytes', async () => {
    const count = async () => Number((await pg.query('SELECT count(*) FROM signer.evidence_item')).rows[0].count);
    const first = await sign({ certificateId: 'cert-good', level: 'B-B' });
    expect(first.status).toBe(200);
    const items = await count();
    const second = await sign({ certificateId: 'cert-good', level: 'B-B' });
    expect(second.status).toBe(200);
    const rows = await pg.query(
      'SELECT certificates FROM signer.signing_evidence WHERE signature_event_id = ANY ($1)',
      [[first.headers['x-kyso-signature-id'], second.headers['x-kyso-signature-id']]],
    );
    expect(rows.rows).toHaveLength(2);
    expect(rows.rows[0].certificates).toEqual(rows.rows[1].certificates);
    // The path is the same; only a CRL issued anew (this test's check issues one per validation) may be new.
    expect(await count()).toBeLessThanOrEqual(items + 1);
  });

  it('extends a PDF signed by pdfsig (NSS) to B-LTA: every signature covered by the DSS and a document timestamp', async () => {
    tsaServer.state.mode = 'ok';
    const key = generateSoftwareKey('RSASSA-PKCS1-v1_5-SHA256');
    const cert = await root.issue({
      subject: { CN: 'NSS Signer', O: 'Sở Tư pháp', C: 'VN' },
      publicKeySpki: key.publicKeySpki,
      profile: 'person',
    });
    const nssSigned = await signWithPdfsig(pdf, {
      keyPem: key.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
      certificatePem: cert.toPem(),
      rootPem,
    });
    expect((await verify(nssSigned, true)).signatures[0].indication).toBe('INDETERMINATE'); // no revocation data yet

    const res = await extend(nssSigned, 'B-LTA');
    expect(res.status).toBe(200);
    expect(res.headers['x-kyso-signature-level']).toBe('B-LTA');
    const extended = new Uint8Array(res.body as Buffer);
    expect(Buffer.from(extended.subarray(0, nssSigned.length)).equals(Buffer.from(nssSigned))).toBe(true);
    expect(await pdfsig(extended, rootPem)).toMatch(/Signature #1:[\s\S]*?Signature is Valid\./);

    const report = await verify(extended, true);
    expect(report.signatures[0]).toMatchObject({
      indication: 'TOTAL-PASSED',
      subFilter: 'adbe.pkcs7.detached',
      revocation: { checked: true, source: 'crl' },
      modifications: { allowed: true },
    });
    expect(report.signatures[0].timestamps.map((t) => [t.type, t.indication])).toEqual([['document', 'TOTAL-PASSED']]);
    const docTs = findSignatures(extended).at(-1)!;
    expect(
      await opensslTsVerify(docTs.contents, Buffer.concat(signedByteRanges(extended, docTs.byteRange)), rootPem),
    ).toContain('Verification: OK');
    const rows = (await pg.query("SELECT * FROM signer.signing_evidence WHERE operation = 'extend'")).rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ level: 'B-LTA', signature_event_id: null });
  });

  it('refuses to extend a PDF without signatures (422 NO_SIGNATURES) and a level it cannot reach (422 UNSUPPORTED_LEVEL)', async () => {
    const none = await extend(pdf, 'B-LT');
    expect(none.status).toBe(422);
    expect(JSON.parse(none.body.toString())).toMatchObject({ code: 'NO_SIGNATURES' });
    const weak = await extend(pdf, 'B-T');
    expect(weak.status).toBe(422);
    expect(JSON.parse(weak.body.toString())).toMatchObject({ code: 'UNSUPPORTED_LEVEL', field: 'level' });
  });

  it.each([
    ['answers 503', 'down'],
    ['answers something that is not a TimeStampResp', 'garbage'],
    ['does not answer in time', 'slow'],
  ] as const)(
    'answers 503 TSA_UNAVAILABLE with Retry-After when the TSA %s, never a weaker level',
    async (_what, mode) => {
      tsaServer.state.mode = mode;
      try {
        const res = await sign({ certificateId: 'cert-good', level: 'B-T' });
        expect(res.status).toBe(503);
        expect(res.headers['retry-after']).toBe('30');
        const body = JSON.parse(res.body.toString());
        expect(body).toMatchObject({ code: 'TSA_UNAVAILABLE', retryAfter: 30 });
        const refused = (await pg.query("SELECT * FROM signer.signature_events WHERE refusal_code = 'TSA_UNAVAILABLE'"))
          .rows;
        expect(refused.length).toBeGreaterThan(0);
        expect(refused.every((r) => r.signed_document_sha256 === null)).toBe(true);
        // B-B needs no TSA: still signed.
        expect((await sign({ certificateId: 'cert-good', level: 'B-B' })).status).toBe(200);
      } finally {
        tsaServer.state.mode = 'ok';
      }
    },
  );

  it('answers every one of 8 B-T requests at once 503 TSA_UNAVAILABLE while the TSA is down, then signs them all once it is back', async () => {
    const refusals = async () =>
      Number(
        (await pg.query("SELECT count(*) FROM signer.signature_events WHERE refusal_code = 'TSA_UNAVAILABLE'")).rows[0]
          .count,
      );
    const before = await refusals();
    const eight = () =>
      Promise.all(Array.from({ length: 8 }, () => sign({ certificateId: 'cert-good', level: 'B-T' })));
    tsaServer.state.mode = 'down';
    let down;
    try {
      down = await eight();
    } finally {
      tsaServer.state.mode = 'ok';
    }
    for (const res of down) {
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('30');
      expect(JSON.parse(res.body.toString())).toMatchObject({ code: 'TSA_UNAVAILABLE' });
    }
    // Each refusal recorded once, and nothing was signed at a weaker level.
    expect((await refusals()) - before).toBe(8);
    // The token's sessions all came back: eight at once sign B-T once the TSA answers.
    const up = await eight();
    expect(up.map((r) => r.status)).toEqual(Array(8).fill(200));
    for (const res of up) {
      const [field] = findSignatures(new Uint8Array(res.body));
      expect(signatureTokens(field.contents).tokens).toHaveLength(1);
    }
  });

  it('refuses a revoked certificate before signing: 403 CERTIFICATE_CHECK_FAILED, reason in English and Vietnamese', async () => {
    const tsaCalls = tsaServer.state.requests;
    const res = await sign({ certificateId: 'cert-revoked', level: 'B-T' });
    expect(res.status).toBe(403);
    const body = JSON.parse(res.body.toString());
    expect(body).toMatchObject({ code: 'CERTIFICATE_CHECK_FAILED', reason: 'CERTIFICATE_REVOKED' });
    expect(body.messageVi).toMatch(/^Từ chối ký: .+/);
    expect(body.reasons.map((r: { code: string }) => r.code)).toContain('REVOKED');
    expect(tsaServer.state.requests).toBe(tsaCalls); // nothing was signed, so nothing timestamped
    expect(check.calls.at(-1)).toEqual({ serial: revoked.serialNumberHex, purpose: 'document-signing' });
    const row = (await pg.query("SELECT * FROM signer.signature_events WHERE refusal_reason = 'CERTIFICATE_REVOKED'"))
      .rows[0];
    expect(row).toMatchObject({ outcome: 'refused', refusal_code: 'CERTIFICATE_CHECK_FAILED' });
  });

  it('asks the verifier once per certificate while it stays good, and again as soon as the registry refuses it', async () => {
    const asked = () => check.calls.filter((c) => c.serial === later.serialNumberHex).length;
    expect((await sign({ certificateId: 'cert-later' })).status).toBe(200);
    const [first, second] = await Promise.all([
      sign({ certificateId: 'cert-later' }),
      sign({ certificateId: 'cert-later' }),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(asked()).toBe(1); // the good verdict is remembered (the CRL is fresh for 7 days)

    // Revoked: the registry refuses at once, and the remembered verdict goes with its refusal.
    root.revoke(later, { revocationDate: new Date(Date.now() - 1_000), reason: 'keyCompromise' });
    laterRecord.status = 'revoked';
    const refused = await sign({ certificateId: 'cert-later' });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body.toString())).toMatchObject({
      code: 'SIGNING_NOT_ALLOWED',
      reason: 'CERTIFICATE_NOT_ACTIVE',
    });
    // Were the registry to allow it again, the verifier is asked anew and its CRL refuses it.
    laterRecord.status = 'active';
    const again = await sign({ certificateId: 'cert-later' });
    expect(again.status).toBe(403);
    expect(JSON.parse(again.body.toString())).toMatchObject({
      code: 'CERTIFICATE_CHECK_FAILED',
      reason: 'CERTIFICATE_REVOKED',
    });
    expect(asked()).toBe(2);
    // A refusal is never remembered: the next signature asks again.
    expect((await sign({ certificateId: 'cert-later' })).status).toBe(403);
    expect(asked()).toBe(3);
  });
});
