import { makeTemplatePdf, poppler, renderPage } from '../../../test-fixtures/appearance';
import { issuePerson, TestSigner } from '../../../test-fixtures/signers';
import { DevCa } from '../../devca';
import { signPdf } from '../sign-pdf';
import { verifyPdf } from '../verify-pdf';
import { emptyTextFields, fillTextFields, reserveTextFields } from './form-fields';

const isDark = ([r, g, b]: number[]) => r < 100 && g < 100 && b < 100;

/**
 * Issuance without breaking the leader's signature (issue 13 point 6): the leader's signature
 * reserves empty fields after the template's "Số:" and "Hà Nam,"; the clerk's signature
 * fills them in its own update. Kyso's change analysis and pdfsig must both keep the leader valid.
 */
describe('document number and date of issue as form fields (pdfsig, pdftotext, pdftoppm, change analysis)', () => {
  let root: DevCa;
  let leader: TestSigner;
  let clerk: TestSigner;
  let approved: Uint8Array;
  let issued: Uint8Array;
  const signingTime = new Date('2026-12-02T02:05:00Z');
  const fields = [
    { name: 'docNumber', placement: { anchorText: 'Số:', position: 'after' as const, width: 150, height: 16 } },
    { name: 'issuedDate', placement: { anchorText: 'Hà Nam,', position: 'after' as const, width: 200, height: 16 } },
  ];

  beforeAll(async () => {
    root = await DevCa.createRoot({ commonName: 'Issuance Root' });
    leader = await issuePerson(root, { CN: 'Nguyễn Văn A', C: 'VN' });
    clerk = await issuePerson(root, { CN: 'Văn thư', C: 'VN' });
    const template = await makeTemplatePdf({ issuance: true });
    approved = await signPdf(template, {
      signer: leader.key.signer,
      certificate: leader.cert,
      chain: [],
      signingTime,
      form: reserveTextFields(template, fields),
    });
    issued = await signPdf(approved, {
      signer: clerk.key.signer,
      certificate: clerk.cert,
      chain: [],
      signingTime,
      form: await fillTextFields(approved, [
        { name: 'docNumber', value: '123/QĐ-UBND' },
        { name: 'issuedDate', value: 'ngày 02 tháng 12 năm 2026' },
      ]),
    });
  });

  it('reserves the two fields empty in the approved document, covered by the leader’s signature', async () => {
    expect(emptyTextFields(approved).sort()).toEqual(['docNumber', 'issuedDate']);
    expect(emptyTextFields(issued)).toEqual([]);
    expect(poppler('pdftotext', approved)).not.toContain('123/QĐ-UBND');
  });

  it('reads the Vietnamese number and date back exactly, where the template left them blank', () => {
    const line = poppler('pdftotext', issued, ['-x', '0', '-y', '90', '-W', '595', '-H', '25']);
    expect(line).toContain('Số: 123/QĐ-UBND');
    expect(line).toContain('Hà Nam, ngày 02 tháng 12 năm 2026');
    const page = renderPage(issued);
    const inked = [...Array(120).keys()].filter((i) => isDark(page.at(85 + i + 0.5, 744)));
    expect(inked.length).toBeGreaterThan(10);
  });

  it('keeps both signatures valid for pdfsig', () => {
    const out = poppler('pdfsig', issued, ['-nocert']);
    expect(out.match(/Signature Validation: Signature is Valid\./g)).toHaveLength(2);
  });

  it('reports the filled fields as allowed changes after the leader’s signature', async () => {
    const report = await verifyPdf(issued, { trustAnchors: [root.certificate] });
    const [first, second] = report.signatures;
    expect(first.signer.name).toBe('Nguyễn Văn A');
    expect(first.modifications).toMatchObject({ changedAfterSigning: true, allowed: true });
    expect(first.modifications.description.join('\n')).toMatch(/allowed: form field \d+ 0 \(Annot\) changed/);
    expect(first.indication).toBe('TOTAL-PASSED');
    expect(second.indication).toBe('TOTAL-PASSED');
  });

  it('refuses to replace a value already filled in, or a field the document lacks', async () => {
    await expect(fillTextFields(issued, [{ name: 'docNumber', value: '124/QĐ-UBND' }])).rejects.toMatchObject({
      code: 'FORM_FIELD_FILLED',
    });
    await expect(fillTextFields(approved, [{ name: 'soDen', value: '5' }])).rejects.toMatchObject({
      code: 'FORM_FIELD_NOT_FOUND',
    });
  });
});
