import { readFileSync } from 'node:fs';
import request from 'supertest';
import { createApiKey } from '../../apps/gateway/src/api-keys';
import { edxmlPackage } from '../../apps/verifier/test/edxml-package';
import { poppler } from '../../libs/pki/test-fixtures/appearance';
import { startStack, Stack } from '../support/stack';

/**
 * Issue 14 end to end: the department's director and its records clerk sign a letter with the token's
 * keys, another agency's clerk checks the edXML package through the gateway (accepted; without the
 * organisation's signature rejected, with the notice as a PDF), and the history shows who checked
 * what to the department's IT officer and to nobody of another organisation.
 */
describe('inbound documents and the validation history through the gateway', () => {
  let stack: Stack;
  const letter = readFileSync('docs/samples/cong-van.pdf');
  const tokens: Record<string, string> = {};
  let districtKey: string;
  let accepted: string;
  let rejected: string;

  beforeAll(async () => {
    stack = await startStack({ operators: true, bodyLimitBytes: 4 * 1024 * 1024 });
    for (const o of stack.operators) {
      const res = await request(stack.gatewayUrl)
        .post('/api/v1/auth/login')
        .send({ username: o.username, password: o.password });
      tokens[o.username] = res.body.accessToken;
    }
    districtKey = (
      await createApiKey(stack.databaseUrl, {
        name: 'district system',
        scopes: ['validate'],
        organizationIds: [stack.demo.districtOrganizationId],
      })
    ).key;
  });
  afterAll(() => stack?.close());

  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who] ?? who}` });
  async function sign(file: Buffer, certificateId: string, actingOfficialId: string, pin: string): Promise<Buffer> {
    const res = await request(stack.gatewayUrl)
      .post('/api/v1/signatures/pdf')
      .set({ Authorization: `Bearer ${stack.apiKey}` })
      .attach('file', file, { filename: 'cong-van.pdf', contentType: 'application/pdf' })
      .field('certificateId', certificateId)
      .field('actingOfficialId', actingOfficialId)
      .field('pin', pin)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    return res.body as Buffer;
  }
  /** The test package with the sample letter's header: Sở Nội vụ, 123/SNV-VP of 25 November 2026. */
  const pack = (pdf: Buffer) =>
    edxmlPackage(
      [{ name: 'cong-van-123.pdf', bytes: pdf }],
      [
        ['<edXML:OrganName>Sở Y tế', '<edXML:OrganName>Sở Nội vụ'],
        ['QĐ-SYT', 'SNV-VP'],
        ['2026-11-30', '2026-11-25'],
        ['<edXML:FullName>Nguyễn Văn An', `<edXML:FullName>${stack.demo.officials[0].name}`],
      ],
    );
  const check = (file: Buffer, who = 'cuc.lt') =>
    request(stack.gatewayUrl).post('/api/v1/validations/inbound').set(as(who)).attach('file', file, 'goi-tin.edxml');

  it('accepts the letter signed by the director and then the department, and rejects it without the department’s', async () => {
    const director = stack.demo.officials[0];
    const byDirector = await sign(letter, director.certificateId, director.id, director.pin);
    const { clerk } = stack.demo;
    const issued = await sign(byDirector, clerk.organizationCertificateId, clerk.id, clerk.pin);

    const ok = await check(pack(issued));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ decision: 'accepted', reasons: [] });
    expect(ok.body.documents[0]).toMatchObject({ personalSignatures: 1, organisationSignatures: 1 });
    accepted = ok.body.id;

    const bad = await check(pack(byDirector));
    expect(bad.body.decision).toBe('rejected');
    expect(bad.body.reasons.map((r: { code: string }) => r.code)).toEqual(['ORGANISATION_SIGNATURE_MISSING']);
    rejected = bad.body.id;
    const pdf = await request(stack.gatewayUrl)
      .get(bad.body.noticePdf)
      .set(as('cuc.lt'))
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect([pdf.status, pdf.headers['content-type']]).toEqual([200, 'application/pdf']);
    expect(poppler('pdftotext', pdf.body as Buffer, ['-enc', 'UTF-8']).replace(/\s+/g, ' ')).toContain(
      '1. Văn bản "cong-van-123.pdf" không có chữ ký số hợp lệ của cơ quan, tổ chức ban hành.',
    );
    expect((await check(pack(issued), 'binh.tt')).status).toBe(403);
  });

  it('shows the checks to the department’s IT officer and admin, to nobody of another organisation', async () => {
    const list = (who: string, q = '') => request(stack.gatewayUrl).get(`/api/v1/validations${q}`).set(as(who));
    const seen = await list('tuan.hm', '?kind=inbound');
    expect(seen.status).toBe(200);
    expect(seen.body.items.map((i: { id: string }) => i.id)).toEqual([rejected, accepted]);
    expect(seen.body.items[0]).toMatchObject({
      result: 'rejected',
      fileName: 'goi-tin.edxml',
      checkedBy: { kind: 'operator', name: 'cuc.lt' },
    });
    expect((await list('admin', '?kind=inbound&result=accepted')).body.items.map((i: { id: string }) => i.id)).toEqual([
      accepted,
    ]);
    expect((await list(districtKey)).body.items).toEqual([]);
    expect((await list('binh.tt')).body.items).toEqual([]);
  });
});
