import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { encodeCaller, PdfTextWriter, type Caller, type RoleGrant } from '@kyso/common';
import { Certificate, DevCa, generateSoftwareKey, signPdf, SoftwareKey, SubjectSpec } from '@kyso/pki';
import { createTestDatabase } from '../../../test/support/db';
import { createVerifierApp } from '../src/app';
import { migrateVerifier } from '../src/data-source';
import { startVerifierWorker, VerifierWorkerHandle } from '../src/worker';
import { anchorView, RegistryStub } from './registry-stub';
import { RevocationServer } from './revocation-server';
import { dropQueueKeys, testVerifierConfig, TOKEN } from './support';

/** Upload limit of the test verifier: small, so that a "huge" upload is cheap to send. */
export const TEST_UPLOAD_LIMIT = 2 * 1024 * 1024;

/**
 * A verifier (API and worker) over a throwaway database, with trust anchors from the registry
 * stand-in and revocation fetched by the real workers from a real CRL server; and a government CA
 * in the VGCA shape issuing an official's and an agency's certificates (R4, R5).
 */
export class InboundStack {
  base = '';
  private db?: { url: string; drop: () => Promise<void> };
  private app?: NestExpressApplication;
  private worker?: VerifierWorkerHandle;
  readonly registry = new RegistryStub();
  readonly crlServer = new RevocationServer();
  private readonly prefix = `kyso-test-inbound-${randomBytes(4).toString('hex')}`;
  gov!: DevCa;
  official!: Signer;
  agency!: Signer;

  async start(dbPrefix: string): Promise<this> {
    this.db = await createTestDatabase(dbPrefix);
    await migrateVerifier(this.db.url);
    await this.registry.start();
    await this.crlServer.start();
    const config = testVerifierConfig({
      databaseUrl: this.db.url,
      registryUrl: this.registry.url,
      queuePrefix: this.prefix,
      maxUploadBytes: TEST_UPLOAD_LIMIT,
      workerConcurrency: 1,
      jobAttempts: 2,
      revocation: {
        fetchTimeoutMs: 3_000,
        waitMs: 8_000,
        crlMaxAgeMs: 3_600_000,
        concurrency: 1,
        attempts: 2,
        required: true,
        fetchAllow: ['127.0.0.1'],
      },
    });
    this.app = await createVerifierApp(config);
    await this.app.listen(0, '127.0.0.1');
    this.base = (await this.app.getUrl()).replace('[::1]', '127.0.0.1');
    this.worker = await startVerifierWorker(config);
    const url = this.crlServer.url;
    const root = await DevCa.createRoot({
      commonName: 'RootCA chuyên dùng Chính phủ G2 (test)',
      crlUrls: [`${url}/in/root.crl`],
    });
    this.gov = await root.createSubordinate({
      commonName: 'CA phục vụ các cơ quan Nhà nước G2 (test)',
      crlUrls: [`${url}/in/gov.crl`],
    });
    this.crlServer.crl('/in/root.crl', root);
    this.crlServer.crl('/in/gov.crl', this.gov);
    this.registry.anchors.push(anchorView(root.certificate.toPem(), 'inbound test root'));
    this.official = await this.signer({
      C: 'VN',
      O: 'UBND tỉnh Thừa Thiên Huế',
      OU: ['Sở Y tế'],
      title: 'Giám đốc',
      CN: 'Nguyễn Văn An',
      E: 'nvan@thuathienhue.gov.vn',
    });
    this.agency = await this.signer({ C: 'VN', L: 'Huế', O: 'UBND tỉnh Thừa Thiên Huế', CN: 'SỞ Y TẾ' });
    return this;
  }

  /** A certificate of the government CA for `subject`, with its key. */
  async signer(subject: SubjectSpec): Promise<Signer> {
    const key = generateSoftwareKey('ECDSA-P256-SHA256');
    const profile = subject.E || subject.title ? 'person' : 'organization';
    const certificate = await this.gov.issue({ subject, publicKeySpki: key.publicKeySpki, profile });
    return { key, certificate, chain: [this.gov.certificate] };
  }

  /** Signed by each in turn (incremental updates), one second apart, the last a minute ago. */
  async sign(pdf: Uint8Array, ...by: Signer[]): Promise<Buffer> {
    let out = pdf;
    const start = Math.floor(Date.now() / 1000) * 1000 - 60_000 - by.length * 1000;
    for (const [i, s] of by.entries())
      out = await signPdf(out, {
        signer: s.key.signer,
        certificate: s.certificate,
        chain: s.chain,
        signingTime: new Date(start + i * 1000),
        fieldName: `Signature${i + 1}`,
      });
    return Buffer.from(out);
  }

  post(path: string, caller: Caller) {
    return request(this.base).post(path).set('x-kyso-internal-token', TOKEN).set('x-kyso-caller', encodeCaller(caller));
  }

  get(path: string, caller: Caller) {
    return request(this.base).get(path).set('x-kyso-internal-token', TOKEN).set('x-kyso-caller', encodeCaller(caller));
  }

  /** The evidence records kept for a validation (issue 10, 14.3). */
  async evidence(
    validationId: string,
  ): Promise<{ document_sha256: string; audit_hash: string | null; crls: number; validation_id: string }[]> {
    const pg = new Client({ connectionString: this.db!.url });
    await pg.connect();
    try {
      const sql =
        "SELECT validation_id, document_sha256, audit_hash, jsonb_array_length(material->'crls') AS crls " +
        'FROM verifier.validation_evidence WHERE validation_id = $1 ORDER BY document_sha256';
      return (await pg.query(sql, [validationId])).rows;
    } finally {
      await pg.end();
    }
  }

  async stop(): Promise<void> {
    await this.worker?.close();
    await this.app?.close();
    await this.crlServer.stop();
    await this.registry.stop();
    await this.db?.drop();
    await dropQueueKeys(`${this.prefix}:*`);
  }
}

export interface Signer {
  key: SoftwareKey;
  certificate: Certificate;
  chain: Certificate[];
}

/** A decision's first page as e-office systems print it (Decree 30): number and symbol, place and date. */
export async function officialDocument(
  o: { number?: string; date?: string; title?: string } = {},
): Promise<Uint8Array> {
  const w = await PdfTextWriter.create({ title: o.title ?? 'Quyết định', date: new Date('2026-11-30T02:00:00Z') });
  w.text('UBND TỈNH THỪA THIÊN HUẾ').text('SỞ Y TẾ', { bold: true });
  w.text(`Số: ${o.number ?? '123/QĐ-SYT'}`);
  w.text(`Huế, ${o.date ?? 'ngày 30 tháng 11 năm 2026'}`, { after: 20 });
  w.text(o.title ?? 'QUYẾT ĐỊNH', { bold: true, center: true });
  w.text('Ban hành quy trình tiếp nhận văn bản điện tử và kiểm tra chữ ký số.');
  return w.save();
}

export const system = (id: string, organizationIds: string[]): Caller => ({
  kind: 'system',
  id,
  name: `system ${id}`,
  scopes: ['validate'],
  organizationIds,
  roles: [],
  officialId: null,
});

export const operator = (id: string, roles: RoleGrant[]): Caller => ({
  kind: 'operator',
  id,
  name: `operator ${id}`,
  scopes: [],
  organizationIds: [],
  roles,
  officialId: null,
});
