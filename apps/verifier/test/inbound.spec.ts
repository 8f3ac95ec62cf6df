import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { poppler } from '../../../libs/pki/test-fixtures/appearance';
import { edxmlFixture, edxmlPackage } from './edxml-package';
import { InboundStack, officialDocument, operator, system, TEST_UPLOAD_LIMIT } from './inbound-support';

/**
 * POST /validations/inbound (issue 14.1, Art 31): edXML packages and PDFs from another agency, validated
 * by the verifier's engine (registry anchors, CRLs fetched by the workers), judged against the
 * regulation, stored as the caller's; a rejection names every reason and prints as a PDF notice.
 */
describe('POST /validations/inbound', () => {
  const stack = new InboundStack();
  const org = randomUUID();
  const clerk = operator('clerk-1', [{ role: 'clerk', organizationId: org }]);
  let main: Buffer; // signed by the official, then by the agency
  let appendix: Buffer; // the agency's signature only (R21)

  beforeAll(async () => {
    await stack.start('kyso_verifier_inbound');
    main = await stack.sign(await officialDocument(), stack.official, stack.agency);
    appendix = await stack.sign(await officialDocument({ title: 'PHỤ LỤC' }), stack.agency);
  });
  afterAll(() => stack.stop());

  const check = (file: Buffer, name = 'goi-tin.edxml', sender?: object) => {
    const r = stack.post('/validations/inbound', clerk).attach('file', file, name);
    return sender ? r.field('sender', JSON.stringify(sender)) : r;
  };
  const codes = (body: { reasons: { code: string }[] }) => body.reasons.map((r) => r.code).sort();

  it('accepts a package whose decision carries the official’s and the agency’s valid signatures and agrees with its header', async () => {
    const res = await check(
      edxmlPackage([
        { name: 'qd-123.pdf', bytes: main },
        { name: 'phu-luc.pdf', bytes: appendix },
      ]),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'done',
      kind: 'inbound',
      decision: 'accepted',
      format: 'edxml',
      reasons: [],
      notice: null,
      noticePdf: null,
      header: { organName: 'Sở Y tế', codeNumber: '123', codeNotation: 'QĐ-SYT', promulgationDate: '2026-11-30' },
    });
    expect(res.body.documents).toMatchObject([
      { name: 'qd-123.pdf', personalSignatures: 1, organisationSignatures: 1, report: { conclusion: 'TOTAL-PASSED' } },
      { name: 'phu-luc.pdf', personalSignatures: 0, organisationSignatures: 1 },
    ]);
    expect(res.body.documents[0].report.signatures[0].revocation).toMatchObject({ checked: true, source: 'crl' });
    const stored = await stack.get(`/validations/${res.body.id}`, clerk);
    expect(stored.body).toMatchObject({ id: res.body.id, status: 'done', kind: 'inbound', decision: 'accepted' });
    const notice = await stack.get(`/validations/${res.body.id}/notice.pdf`, clerk);
    expect([notice.status, notice.body.code]).toEqual([404, 'NOTICE_NOT_FOUND']);
  });

  it('keeps each checked document as evidence (with the CRLs it rested on), sealed in the registry’s audit log', async () => {
    const res = await check(
      edxmlPackage([
        { name: 'qd-123.pdf', bytes: main },
        { name: 'phu-luc.pdf', bytes: appendix },
      ]),
    );
    expect(res.status).toBe(200);
    const digests = res.body.documents.map((d: { sha256: string }) => d.sha256.toUpperCase()).sort();
    const kept = await stack.evidence(res.body.id);
    expect(kept.map((e) => e.document_sha256)).toEqual(digests);
    for (const e of kept) {
      expect(e.audit_hash).toMatch(/\S/);
      expect(Number(e.crls)).toBeGreaterThan(0);
    }
    const sealed = stack.registry.events
      .filter((e) => e.action === 'validation.evidence-recorded')
      .flatMap((e) => (e.after as { records: { validationId: string; documentSha256: string }[] }).records)
      .filter((r) => r.validationId === res.body.id);
    expect(sealed.map((r) => r.documentSha256).sort()).toEqual(digests);
  });

  it('rejects a decision without the agency’s signature, with a notice to the sender as JSON and as a PDF', async () => {
    const personOnly = await stack.sign(await officialDocument(), stack.official);
    const res = await check(edxmlPackage([{ name: 'qd-123.pdf', bytes: personOnly }]));
    expect(res.status).toBe(200);
    expect(res.body.decision).toBe('rejected');
    expect(codes(res.body)).toEqual(['ORGANISATION_SIGNATURE_MISSING']);
    const reason = 'Văn bản "qd-123.pdf" không có chữ ký số hợp lệ của cơ quan, tổ chức ban hành.';
    expect(res.body.notice).toMatchObject({
      to: { organId: '000.00.12.H57', organName: 'Sở Y tế' },
      subject: { vi: 'Trả lại văn bản số 123/QĐ-SYT ngày 30/11/2026 do chữ ký số không hợp lệ hoặc không đầy đủ' },
      reasons: [{ code: 'ORGANISATION_SIGNATURE_MISSING', vi: reason, attachment: 'qd-123.pdf' }],
      validationId: res.body.id,
    });
    expect(res.body.notice.text.vi).toContain(`1. ${reason}`);
    expect(res.body.notice.text.en).toContain('has no valid digital signature of the issuing organisation');
    expect(res.body.noticePdf).toBe(`/api/v1/validations/${res.body.id}/notice.pdf`);

    const pdf = await stack.get(`/validations/${res.body.id}/notice.pdf`, clerk).buffer(true);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const text = poppler('pdftotext', pdf.body as Buffer, ['-enc', 'UTF-8']).replace(/\s+/g, ' ');
    expect(text).toContain('THÔNG BÁO TRẢ LẠI VĂN BẢN ĐIỆN TỬ');
    expect(text).toContain('Kính gửi: Sở Y tế (mã định danh 000.00.12.H57).');
    expect(text).toContain(`1. ${reason}`);
    expect(text).toContain('Đề nghị Quý cơ quan kiểm tra, ký số lại và gửi lại văn bản.');
    expect(text).toContain('NOTICE OF RETURN OF AN ELECTRONIC DOCUMENT');
    // Someone of another organisation does not learn the notice exists.
    const stranger = operator('clerk-2', [{ role: 'clerk', organizationId: randomUUID() }]);
    expect((await stack.get(`/validations/${res.body.id}/notice.pdf`, stranger)).status).toBe(404);
  });

  it('rejects a package whose attachment was changed after signing (the signatures fail their hash)', async () => {
    // A byte of the binary comment after the header: the file still parses, every signed hash changes.
    const tampered = Buffer.from(main);
    tampered[10] ^= 0x01;
    const res = await check(edxmlPackage([{ name: 'qd-123.pdf', bytes: tampered }]));
    expect(res.body.decision).toBe('rejected');
    expect(codes(res.body)).toEqual(
      expect.arrayContaining(['SIGNATURE_INVALID', 'PERSONAL_SIGNATURE_MISSING', 'ORGANISATION_SIGNATURE_MISSING']),
    );
    expect(res.body.documents[0].report.signatures[0]).toMatchObject({
      indication: 'TOTAL-FAILED',
      subIndication: 'HASH_FAILURE',
    });
    expect(res.body.reasons[0].vi).toMatch(/^Chữ ký số của Nguyễn Văn An trên văn bản "qd-123.pdf" không hợp lệ/);
  });

  it('rejects a header that disagrees with the document and its signatures, naming every difference', async () => {
    const res = await check(
      edxmlPackage(
        [{ name: 'qd-123.pdf', bytes: main }],
        [
          ['<edXML:CodeNumber>123', '<edXML:CodeNumber>124'],
          ['<edXML:OrganName>Sở Y tế', '<edXML:OrganName>Sở Tài chính'],
          ['2026-11-30', '2026-12-01'],
          ['<edXML:FullName>Nguyễn Văn An', '<edXML:FullName>Trần Thị Bình'],
        ],
      ),
    );
    expect(res.body.decision).toBe('rejected');
    expect(codes(res.body)).toEqual([
      'HEADER_AGENCY_MISMATCH',
      'HEADER_DATE_MISMATCH',
      'HEADER_NUMBER_MISMATCH',
      'HEADER_SIGNER_MISMATCH',
    ]);
    expect(res.body.reasons.find((r: { code: string }) => r.code === 'HEADER_AGENCY_MISMATCH').vi).toBe(
      'Tên cơ quan ban hành trong gói tin ("Sở Tài chính") không khớp với chứng thư số của cơ quan đã ký ("SỞ Y TẾ").',
    );
    expect(res.body.notice.to.organName).toBe('Sở Tài chính');
  });

  it('checks a bare PDF against what `sender` claims; without it the header is incomplete', async () => {
    const sender = {
      organId: '000.00.12.H57',
      organName: 'Sở Y tế',
      codeNumber: '123',
      codeNotation: 'QĐ-SYT',
      promulgationDate: '30/11/2026',
    };
    const ok = await check(main, 'Quyết định 123.pdf', sender);
    expect(ok.body).toMatchObject({ decision: 'accepted', format: 'pdf', documents: [{ name: 'Quyết định 123.pdf' }] });
    const bare = await check(main, 'qd.pdf');
    expect(bare.body.decision).toBe('rejected');
    expect(codes(bare.body)).toEqual(['HEADER_INCOMPLETE']);
    const bad = await check(main, 'qd.pdf', { organName: 'x', password: 'y' });
    expect([bad.status, bad.body.code]).toEqual([400, 'INVALID_FIELD']);
  });

  it('answers malformed, hostile and oversized uploads with a clear refusal, trusting nothing in them', async () => {
    const refused = async (file: Buffer) => {
      const res = await check(file);
      return [res.status, res.body.code, res.body.reason];
    };
    expect(await refused(edxmlFixture('xxe.xml'))).toEqual([422, 'INVALID_PACKAGE', 'DTD_FORBIDDEN']);
    expect(await refused(edxmlFixture('entity-expansion.xml'))).toEqual([422, 'INVALID_PACKAGE', 'DTD_FORBIDDEN']);
    expect(await refused(Buffer.from('<edXMLEnvelope><edXMLHeader>'))).toEqual([
      422,
      'INVALID_PACKAGE',
      'XML_MALFORMED',
    ]);
    expect(
      await refused(Buffer.from(`<edXMLEnvelope>${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</edXMLEnvelope>`)),
    ).toEqual([422, 'INVALID_PACKAGE', 'TOO_DEEP']);
    expect(await refused(Buffer.from('PK\u0003\u0004 a zip, not a package'))).toEqual([
      422,
      'INVALID_PACKAGE',
      'NOT_PDF_OR_EDXML',
    ]);
    const huge = Buffer.concat([Buffer.from('<edXMLEnvelope>'), Buffer.alloc(TEST_UPLOAD_LIMIT, 0x20)]);
    const tooLarge = await check(huge);
    expect(tooLarge.status).toBe(413);
    const empty = await check(Buffer.alloc(0));
    expect(empty.status).toBe(400);
  });

  it('keeps every check as the caller’s: a system reads its own, another system gets 404', async () => {
    const dms = system('dms-inbound', [org]);
    const res = await stack
      .post('/validations/inbound', dms)
      .attach('file', edxmlPackage([{ name: 'a.pdf', bytes: appendix }]), 'a.edxml');
    expect(res.body.decision).toBe('rejected');
    expect(codes(res.body)).toEqual(['PERSONAL_SIGNATURE_MISSING']);
    expect((await stack.get(`/validations/${res.body.id}`, dms)).body.decision).toBe('rejected');
    expect((await stack.get(`/validations/${res.body.id}`, system('other', [randomUUID()]))).status).toBe(404);
  });
});
