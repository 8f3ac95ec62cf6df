import { PDFDict, PDFDocument, PDFHexString, PDFName } from 'pdf-lib';
import { stateSecretMarking } from './confidentiality';

async function pdfWith(opts: { info?: string; field?: [string, string]; title?: string }): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([200, 200]);
  if (opts.title) doc.setTitle(opts.title);
  // pdf-lib has no setter for a custom information entry.
  if (opts.info !== undefined)
    (doc as unknown as { getInfoDict(): PDFDict })
      .getInfoDict()
      .set(PDFName.of('Confidentiality'), PDFHexString.fromText(opts.info));
  if (opts.field) {
    const field = doc.getForm().createTextField(opts.field[0]);
    field.setText(opts.field[1]);
  }
  return doc.save({ useObjectStreams: false });
}

describe('stateSecretMarking (documents marked as holding state secrets are refused, R17)', () => {
  it.each([
    ['the information entry', { info: 'TỐI MẬT' }, 'TỐI MẬT'],
    ['the information entry without diacritics', { info: 'tuyet mat' }, 'TUYỆT MẬT'],
    ['a form field of that name', { field: ['confidentiality', 'Mật'] as [string, string] }, 'MẬT'],
  ])('reads the degree from %s', async (_n, opts, degree) => {
    expect(stateSecretMarking(await pdfWith(opts))).toBe(degree);
  });

  it.each([
    ['an unmarked document', {}],
    ['an ordinary value', { info: 'Thường' }],
    ['the word in the title only', { title: 'Quy chế bảo mật' }],
    ['another field holding the word', { field: ['note', 'MẬT'] as [string, string] }],
  ])('finds no marking in %s', async (_n, opts) => {
    expect(stateSecretMarking(await pdfWith(opts))).toBeNull();
  });
});
