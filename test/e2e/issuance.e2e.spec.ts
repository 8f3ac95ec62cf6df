import request from 'supertest';
import { makeTemplatePdf, poppler, solidPng } from '../../libs/pki/test-fixtures/appearance';
import { pdfsig } from '../support/independent-verifiers';
import { startStack, Stack } from '../support/stack';

/**
 * Approve then issue through the gateway (issue 13, points 5 and 6): the director's approval reserves
 * the number and date fields; the clerk's issue, checked by the real verifier (the director's
 * signature) and registry (the director's certificates and title), fills them and adds the seal.
 */
describe('approve, then issue with number and date, through the gateway', () => {
  let stack: Stack;
  let template: Buffer;
  let approved: Buffer;
  let issued: Buffer;

  beforeAll(async () => {
    stack = await startStack({ bodyLimitBytes: 2 * 1024 * 1024 });
    template = Buffer.from(await makeTemplatePdf({ issuance: true }));
    const form = new FormData();
    const seal = solidPng(300, 300, [220, 20, 30], { inset: 10, pixelsPerMetre: 11811 });
    form.append('file', new Blob([seal], { type: 'image/png' }), 'seal.png');
    const res = await stack.registry.request('PUT', `/organizations/${stack.demo.organizationId}/seal-image`, {
      body: form,
    });
    expect(res.status).toBe(200);
  });
  afterAll(() => stack?.close());

  const sign = (file: Buffer, fields: Record<string, string>) => {
    let r = request(stack.gatewayUrl)
      .post('/api/v1/signatures/pdf')
      .set({ Authorization: `Bearer ${stack.apiKey}` });
    for (const [k, v] of Object.entries(fields)) r = r.field(k, v);
    return r
      .attach('file', file, { filename: 'quyet-dinh.pdf', contentType: 'application/pdf' })
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
  };
  const director = () => stack.demo.officials[0];
  const clerk = () => stack.demo.clerk;
  const issue = (file: Buffer, leaderOfficialId: string) =>
    sign(file, {
      certificateId: clerk().organizationCertificateId,
      actingOfficialId: clerk().id,
      pin: clerk().pin,
      purpose: 'issued',
      docNumber: '45/QĐ-SNV',
      issuedDate: '2026-02-05',
      appearance: JSON.stringify({ page: 1, rect: [320, 180, 240, 110], leaderOfficialId, image: false }),
    });

  it('the director approves, reserving the number and date fields', async () => {
    expect(director().title).toBe('Giám đốc');
    const res = await sign(template, {
      certificateId: director().certificateId,
      actingOfficialId: director().id,
      pin: director().pin,
      purpose: 'approved',
      appearance: JSON.stringify({
        page: 1,
        rect: [320, 400, 200, 60],
        image: false,
        issuanceFields: { issuedDate: { anchorText: 'Hà Nam,', position: 'after', width: 200, height: 16 } },
      }),
    });
    expect(res.status).toBe(200);
    approved = res.body as Buffer;
  });

  it('refuses to issue a document without the fields, or for a competent official who did not sign it', async () => {
    const cases: [Buffer, string, string][] = [
      [template, director().id, 'ISSUANCE_FIELDS_MISSING'],
      [approved, stack.demo.officials[1].id, 'LEADER_SIGNATURE_REQUIRED'], // the deputy director
    ];
    for (const [file, leader, code] of cases) {
      const res = await issue(file, leader);
      const problem = JSON.parse(res.body.toString());
      expect([res.status, problem.code]).toEqual([422, code]);
      expect(problem.rule).toMatch(/\(R17\)|issue 13/);
      expect(problem.messageVi).toMatch(/\p{L}/u);
    }
  });

  it('the clerk issues: number and date written, both signatures valid for pdfsig and the verifier', async () => {
    const res = await issue(approved, director().id);
    expect(res.status).toBe(200);
    issued = res.body as Buffer;
    const text = poppler('pdftotext', issued);
    expect(text).toContain('Số: 45/QĐ-SNV');
    expect(text).toContain('Hà Nam, ngày 05 tháng 02 năm 2026');
    const out = await pdfsig(issued, stack.pki.root.certificate.toPem());
    expect(out.match(/Signature is Valid/g)).toHaveLength(2);
    const validation = await request(stack.gatewayUrl)
      .post('/api/v1/validations/pdf?wait=30')
      .set({ Authorization: `Bearer ${stack.apiKey}` })
      .attach('file', issued, { filename: 'issued.pdf', contentType: 'application/pdf' });
    const [leader, organisation] = validation.body.report.signatures;
    expect(leader).toMatchObject({ indication: 'TOTAL-PASSED' });
    expect(leader.modifications).toMatchObject({ changedAfterSigning: true, allowed: true });
    expect(leader.modifications.description.join('\n')).toMatch(/allowed: form field \d+ 0 \(Annot\) changed/);
    expect(organisation.indication).toBe('TOTAL-PASSED');
  });
});
