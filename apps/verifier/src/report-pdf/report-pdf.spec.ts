import { Certificate, verifyPdf, type DocumentReport } from '@kyso/pki';
import { poppler } from '../../../../libs/pki/test-fixtures/appearance';
import { signedPdf, unsignedPdf } from '../../test/fixtures';
import { readableReport, validationReportPdf } from './index';

const ID = '0b0f5d0e-3c4b-4a53-9a0e-1d2f3a4b5c6d';

/** Reports of real PDFs (signed by a fresh dev CA, then tampered, and one unsigned), judged by libs/pki. */
describe('the PDF verification report', () => {
  let valid: DocumentReport;
  let tampered: DocumentReport;
  let unsigned: DocumentReport;

  beforeAll(async () => {
    const { pdf, rootPem } = await signedPdf();
    const trustAnchors = [Certificate.parse(rootPem)];
    valid = await verifyPdf(pdf, { trustAnchors });
    const bad = Buffer.from(pdf);
    const at = bad.indexOf('/MediaBox [ 0 0 595');
    expect(at).toBeGreaterThan(0);
    bad[at + 18] = '6'.charCodeAt(0); // a wider page: a change inside the signed bytes
    tampered = await verifyPdf(bad, { trustAnchors });
    unsigned = await verifyPdf(await unsignedPdf(), { trustAnchors });
  });

  it('says in Vietnamese who signed, for which organisation, under which CA, and when (+07:00)', async () => {
    const text = poppler('pdftotext', await validationReportPdf(valid, ID));
    expect(text).toContain('PHIẾU KẾT QUẢ KIỂM TRA CHỮ KÝ SỐ');
    expect(text).toContain('Nguyễn Văn A');
    expect(text).toContain('Sở Nội vụ');
    expect(text).toContain('Giám đốc');
    expect(text).toContain('Kyso Verifier Test Government CA');
    expect(text).toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00/);
    expect(text).toContain(ID);
    // libs/pki passes a signature without revocation data unless revocation is required
    expect(valid.conclusion).toBe('TOTAL-PASSED');
    expect(text).toContain('HỢP LỆ: Văn bản có 1 chữ ký số, tất cả đều hợp lệ');
    expect(text).toContain('Toàn vẹn: nội dung được ký không bị thay đổi.');
    // no revocation checker here: the report must not claim the certificate was not revoked
    expect(valid.signatures[0].revocation.checked).toBe(false);
    expect(text).toContain('Chưa kiểm tra được (không có CRL/OCSP dùng được).');
    expect(text).not.toContain('không bị thu hồi');
  });

  it('embeds Liberation Serif as a subset', async () => {
    const pdf = await validationReportPdf(valid, ID);
    const fonts = poppler('pdffonts', pdf).split('\n').slice(2).filter(Boolean);
    expect(fonts).toHaveLength(2);
    for (const name of ['LiberationSerif-', 'LiberationSerif-Bold-'])
      expect(fonts.some((f) => f.startsWith(name) && /Identity-H\s+yes\s/.test(f))).toBe(true);
    // the whole regular face alone is over 390 kB: only the glyphs used are in
    expect(pdf.length).toBeLessThan(120_000);
  });

  it('calls a tampered document not valid and says its content was altered', async () => {
    expect(tampered.conclusion).toBe('TOTAL-FAILED');
    const text = poppler('pdftotext', await validationReportPdf(tampered, ID));
    expect(text).toContain('KHÔNG HỢP LỆ: Văn bản KHÔNG hợp lệ');
    expect(text).toContain('Không toàn vẹn');
  });

  it('says an unsigned document has no signature, and English on request', async () => {
    const vi = poppler('pdftotext', await validationReportPdf(unsigned, ID));
    expect(vi).toContain('Văn bản không có chữ ký số nào.');
    expect(vi).toContain('• Văn bản không có chữ ký số');
    const en = poppler('pdftotext', await validationReportPdf(unsigned, ID, 'en'));
    expect(en).toContain('SIGNATURE VERIFICATION REPORT');
    expect(en).toContain('The document has no digital signature.');
  });

  it('marks each signature valid, invalid or indeterminate from its indication', () => {
    expect(readableReport(tampered, 'en', ID).signatures[0]).toMatchObject({ mark: 'invalid', markText: 'Not valid' });
    expect(readableReport(unsigned, 'vi', ID)).toMatchObject({ mark: 'indeterminate', signatures: [] });
    const passed = { ...valid, conclusion: 'TOTAL-PASSED' as const };
    expect(readableReport(passed, 'vi', ID)).toMatchObject({ mark: 'valid', markText: 'Hợp lệ' });
  });

  it('gives the same bytes for the same report', async () => {
    expect(
      Buffer.from(await validationReportPdf(valid, ID)).equals(Buffer.from(await validationReportPdf(valid, ID))),
    ).toBe(true);
  });
});
