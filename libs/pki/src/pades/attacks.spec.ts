import {
  appendRaw,
  duplicateSignerInfo,
  editSignedData,
  embedContent,
  EVIL_TEXT,
  lastSignatureDictAt,
  objectText,
  patchInPlace,
  replaceCms,
  shadowPreparedPdf,
} from '../../test-fixtures/pdf/attacks';
import { pdfsig } from '../../test-fixtures/pdf/make-pdfs';
import { issuePerson } from '../../test-fixtures/signers';
import { DevCa, SoftwareKey } from '../devca';
import { findSignatures, PdfDocument, PdfFormatError } from '../pdf';
import { DocumentReport } from '../report';
import { Certificate } from '../x509/certificate';
import { signPdf } from './sign-pdf';
import { verifyPdf } from './verify-pdf';

/**
 * The published attacks on PDF signatures, built against a really signed PDF: Universal Signature
 * Forgery, Signature Wrapping, Incremental Saving (Mladenov et al., 2019) and Shadow attacks
 * (Mainka et al., 2021). Kyso must never answer TOTAL-PASSED for the document.
 */
describe('verifyPdf under attack', () => {
  const signingTime = new Date(Math.floor(Date.now() / 1000) * 1000);
  let root: DevCa;
  let signer: { key: SoftwareKey; cert: Certificate; chain: Certificate[] };
  let signed: Uint8Array;

  const sign = (pdf: Uint8Array, fieldName?: string) =>
    signPdf(pdf, { signer: signer.key.signer, certificate: signer.cert, chain: signer.chain, signingTime, fieldName });
  const verify = (pdf: Uint8Array) => verifyPdf(pdf, { trustAnchors: [root.certificate] });

  beforeAll(async () => {
    root = await DevCa.createRoot({ commonName: 'Attack Root' });
    const sub = await root.createSubordinate({ commonName: 'Attack Sub CA' });
    signer = { ...(await issuePerson(sub, { CN: 'Victim Official', C: 'VN' })), chain: [sub.certificate] };
    signed = await sign(shadowPreparedPdf());
  });

  /** Neither the document nor the signature's own entry is accepted once the document was altered. */
  function expectModificationRejected(report: DocumentReport): void {
    expect(report.conclusion).not.toBe('TOTAL-PASSED');
    expect(report.signatures[0].indication).not.toBe('TOTAL-PASSED');
    expect(report.signatures[0].reasons.map((r) => r.code)).toContain('MODIFIED_AFTER_SIGNING');
    expect(report.signatures[0].modifications).toMatchObject({ changedAfterSigning: true, allowed: false });
    expect(report.signatures[0].coverage.coversWholeDocument).toBe(false);
    expect(report.reasons.map((r) => r.code)).toContain('MODIFIED_AFTER_SIGNING');
  }

  /** A forged or broken signature: a typed refusal of the file, or a failed signature. */
  async function expectNotPassed(pdf: Uint8Array): Promise<DocumentReport | null> {
    let report: DocumentReport;
    try {
      report = await verify(pdf);
    } catch (e) {
      expect(e).toBeInstanceOf(PdfFormatError);
      return null;
    }
    expect(report.conclusion).not.toBe('TOTAL-PASSED');
    for (const s of report.signatures) expect(s.indication).not.toBe('TOTAL-PASSED');
    return report;
  }

  it('accepts the untouched signed document (the baseline every attack starts from)', async () => {
    const report = await verify(signed);
    expect(report.conclusion).toBe('TOTAL-PASSED');
    expect(report.signatures[0].coverage).toMatchObject({ coversWholeRevision: true, coversWholeDocument: true });
  });

  describe('Universal Signature Forgery', () => {
    const sigAt = () => lastSignatureDictAt(signed);
    it.each([
      ['/Contents missing', /\/Contents <[0-9a-f]+>/, () => ''],
      ['/Contents empty', /\/Contents <[0-9a-f]+>/, () => '/Contents <>'],
      ['/Contents null', /\/Contents <[0-9a-f]+>/, () => '/Contents null'],
      ['/ByteRange missing', /\/ByteRange \[[^\]]*\]/, () => ''],
      ['/ByteRange []', /\/ByteRange \[[^\]]*\]/, () => '/ByteRange []'],
      ['/ByteRange null', /\/ByteRange \[[^\]]*\]/, () => '/ByteRange null'],
      ['/ByteRange [0 0 0 0]', /\/ByteRange \[[^\]]*\]/, () => '/ByteRange [0 0 0 0]'],
      ['/ByteRange negative', /\/ByteRange \[[^\]]*\]/, (m: string) => m.replace('[0 ', '[-5 ').replace(/\s+\]$/, ']')],
      ['/ByteRange overlapping', /\/ByteRange \[[^\]]*\]/, (m: string) => overlap(m)],
      ['/ByteRange beyond EOF', /\/ByteRange \[[^\]]*\]/, (m: string) => m.replace(/ (\d+)\s*\]$/, ' 99999999]')],
      ['/ByteRange of three numbers', /\/ByteRange \[[^\]]*\]/, (m: string) => m.replace(/ (\d+)\s*\]$/, ']')],
      [
        '/ByteRange of reals',
        /\/ByteRange \[[^\]]*\]/,
        (m: string) => m.replace('[0 ', '[0.0 ').replace(/\s+\]$/, ']'),
      ],
    ])('never passes with %s', async (_label, from, to) => {
      const report = await expectNotPassed(patchInPlace(signed, from, to, sigAt()));
      if (report)
        expect(report.signatures[0]?.subIndication ?? 'FORMAT_FAILURE').toMatch(/FORMAT_FAILURE|HASH_FAILURE/);
    });

    it('reports a missing signature dictionary as a format failure', async () => {
      const tampered = patchInPlace(signed, /\/V \d+ 0 R/, () => '/V 0 0 R', sigAt());
      const report = await expectNotPassed(tampered);
      expect(report?.signatures[0]).toMatchObject({ indication: 'TOTAL-FAILED', subIndication: 'FORMAT_FAILURE' });
    });
  });

  /** [0 a b c] -> [0 a b-100 c+100]: the second range starts inside the /Contents string. */
  function overlap(m: string): string {
    const [a, b, c, d] = m.match(/\d+/g)!.map(Number);
    return `/ByteRange [${a} ${b} ${c - 100} ${d + 100}]`;
  }

  describe('Signature Wrapping', () => {
    it('refuses a byte range whose second part starts later, with attacker content in the gap', async () => {
      const [field] = findSignatures(signed);
      const [, lt, gt, tail] = field.byteRange;
      const s = Buffer.from(signed).toString('latin1');
      const inserted = `\n99 0 obj\n(${EVIL_TEXT})\nendobj\n`;
      // /Contents string, then attacker bytes, then the signed tail moved by their length.
      const moved = s.slice(0, gt) + inserted + s.slice(gt);
      const br = `[0 ${lt} ${gt + inserted.length} ${tail}]`;
      const wrapped = patchInPlace(
        new Uint8Array(Buffer.from(moved, 'latin1')),
        /\/ByteRange \[[^\]]*\]/,
        () => `/ByteRange ${br}`,
        lastSignatureDictAt(signed),
      );
      const report = await expectNotPassed(wrapped);
      if (report) expect(report.signatures.every((x) => !x.coverage.coversWholeRevision)).toBe(true);
    });

    it('refuses a byte range whose first part ends before the /Contents string', async () => {
      const tampered = patchInPlace(
        signed,
        /\/ByteRange \[[^\]]*\]/,
        (m) => m.replace(/^\/ByteRange \[0 (\d+)/, (_x, b) => `/ByteRange [0 ${Number(b) - 50}`),
        lastSignatureDictAt(signed),
      );
      const report = await expectNotPassed(tampered);
      expect(findSignatures(tampered)[0]).toMatchObject({ byteRangeValid: false });
      expect(report?.signatures[0].coverage.coversWholeRevision).toBe(false);
    });
  });

  describe('Incremental Saving Attack', () => {
    const page = () => objectText(signed, 3);
    const catalog = () => objectText(signed, 1);
    const evilStream = (data: string) => `<</Length ${data.length}>>\nstream\n${data}\nendstream`;
    const next = () => Number(PdfDocument.open(signed).trailer.get('Size'));

    it.each<[string, () => Uint8Array]>([
      [
        'page content replaced',
        () => appendRaw(signed, [{ num: 4, body: evilStream(`BT /F1 18 Tf 50 700 Td (${EVIL_TEXT}) Tj ET`) }]),
      ],
      [
        'a content stream added to the page',
        () =>
          appendRaw(signed, [
            { num: next(), body: evilStream('BT (x) Tj ET') },
            { num: 15, body: `[4 0 R ${next()} 0 R]` },
          ]),
      ],
      [
        'a new page',
        () =>
          appendRaw(signed, [
            { num: next(), body: '<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 9 0 R/Resources 5 0 R>>' },
            { num: 2, body: `<</Type/Pages/Kids[3 0 R ${next()} 0 R]/Count 2>>` },
          ]),
      ],
      [
        '/Root changed to a new catalog',
        () =>
          appendRaw(signed, [{ num: next(), body: '<</Type/Catalog/Pages 10 0 R/AcroForm 16 0 R>>' }], {
            root: `${next()} 0 R`,
          }),
      ],
      ['a font replaced', () => appendRaw(signed, [{ num: 6, body: '<</Type/Font/Subtype/Type1/BaseFont/Courier>>' }])],
      [
        'a FreeText overlay annotation',
        () =>
          appendRaw(signed, [
            { num: next(), body: `<</Type/Annot/Subtype/FreeText/Rect[40 690 340 730]/Contents(${EVIL_TEXT})>>` },
            { num: 3, body: page().replace(/\/Annots\s*\[/, `/Annots[${next()} 0 R `) },
          ]),
      ],
      [
        'JavaScript as /OpenAction',
        () =>
          appendRaw(signed, [
            { num: next(), body: "<</S/JavaScript/JS(app.alert('x'))>>" },
            { num: 1, body: catalog().replace(/>>$/, `/OpenAction ${next()} 0 R>>`) },
          ]),
      ],
      [
        'a form field value changed',
        () => appendRaw(signed, [{ num: 14, body: objectText(signed, 14).replace('/V(100)', '/V(999999)') }]),
      ],
      ['an object freed', () => appendRaw(signed, [], { freed: [7] })],
      [
        'objects appended without any xref section',
        () => appendRaw(signed, [{ num: 4, body: evilStream(EVIL_TEXT) }], { xref: false }),
      ],
      [
        'objects appended with the old startxref repeated',
        () =>
          appendRaw(signed, [{ num: 4, body: evilStream(EVIL_TEXT) }], {
            startxref: PdfDocument.open(signed).chain.startxref,
          }),
      ],
      [
        'a revision whose /Prev points to itself',
        () => {
          const len = signed.length + 1 + `4 0 obj\n${evilStream(EVIL_TEXT)}\nendobj\n`.length;
          return appendRaw(signed, [{ num: 4, body: evilStream(EVIL_TEXT) }], { prev: len });
        },
      ],
      [
        'a revision without /Prev (a new document appended)',
        () => appendRaw(signed, [{ num: 4, body: evilStream(EVIL_TEXT) }], { prev: null }),
      ],
      [
        'trailing garbage with an object after the last %%EOF',
        () => concat(signed, `4 0 obj\n${evilStream(EVIL_TEXT)}\nendobj\n`),
      ],
      ['trailing garbage after the last %%EOF', () => concat(signed, 'garbage that no reader should ignore\n')],
    ])('does not accept %s', async (_label, attack) => {
      const report = await verify(attack());
      expectModificationRejected(report);
      expect(report.signatures[0]).toMatchObject({ indication: 'TOTAL-FAILED', subIndication: 'FORMAT_FAILURE' });
    });

    it('still reports a signature whose field a later revision removed', async () => {
      const twice = await sign(signed, 'Clerk');
      const doc = PdfDocument.open(twice);
      const page = objectText(twice, 3).replace(/\/Annots\s*\[[^\]]*\]/, '/Annots[14 0 R]');
      const hidden = appendRaw(twice, [
        { num: 3, body: page },
        { num: 16, body: '<</Fields[14 0 R]>>' },
        {
          num: doc.catalog().ref.num,
          body: objectText(twice, 1).replace(/\/AcroForm\s*<<.*>>\s*>>$/s, '/AcroForm 16 0 R>>'),
        },
      ]);
      const report = await verify(hidden);
      expect(report.signatureCount).toBe(2);
      expect(report.signatures.map((s) => s.fieldName)).toEqual(['Signature1', 'Clerk']);
      for (const s of report.signatures) expect(s.indication).not.toBe('TOTAL-PASSED');
      expect(report.signatures[1].modifications.description.join('\n')).toMatch(/not allowed: page 3 0/);
    });

    it("does not accept a /Prev that skips a later signature's revision (the rolled-back bytes are unaccounted for)", async () => {
      const twice = await sign(signed, 'Clerk');
      const info = '<</Title(Rolled back)>>';
      // The new revision chains to the first signature's xref: the Clerk revision drops out of the chain.
      const rolledBack = appendRaw(twice, [{ num: next(), body: info }], {
        prev: PdfDocument.open(signed).chain.startxref,
        info: `${next()} 0 R`,
      });
      const report = await expectNotPassed(rolledBack);
      expect(report).not.toBeNull();
      expectModificationRejected(report!);
      expect(report!.signatures[0].modifications.description.join('\n')).toMatch(
        /no cross-reference section refers to/,
      );
    });

    it('keeps a second legitimate signature allowed', async () => {
      const twice = await sign(signed, 'Clerk');
      const report = await verify(twice);
      expect(report.conclusion).toBe('TOTAL-PASSED');
      expect(report.signatures[0].modifications).toMatchObject({ changedAfterSigning: true, allowed: true });
      expect(pdfsig(twice).output.match(/Signature is Valid/g)).toHaveLength(2);
    });
  });

  describe('Shadow attacks (content prepared before signing, activated afterwards)', () => {
    const next = () => Number(PdfDocument.open(signed).trailer.get('Size'));
    it.each<[string, () => Uint8Array]>([
      [
        'hide: /Root switched to the unused catalog (no object changed)',
        () => appendRaw(signed, [], { root: '12 0 R' }),
      ],
      [
        'replace: the XObject reference switched to the evil one',
        () => appendRaw(signed, [{ num: 5, body: '<</Font<</F1 6 0 R>>/XObject<</X1 8 0 R>>>>' }]),
      ],
      [
        'hide-and-replace: the page tree switched',
        () => appendRaw(signed, [{ num: 2, body: '<</Type/Pages/Kids[11 0 R]/Count 1>>' }]),
      ],
      [
        'the page /Contents switched to the unused stream',
        () =>
          appendRaw(signed, [{ num: 3, body: objectText(signed, 3).replace('/Contents 15 0 R', '/Contents 9 0 R') }]),
      ],
      [
        'the overlay annotation activated',
        () => appendRaw(signed, [{ num: 3, body: objectText(signed, 3).replace(/\/Annots\s*\[/, '/Annots[13 0 R ') }]),
      ],
      [
        'resources changed under cover of a DSS',
        () =>
          appendRaw(signed, [
            { num: 5, body: '<</Font<</F1 6 0 R>>/XObject<</X1 8 0 R>>>>' },
            { num: next(), body: '<</Type/DSS/Certs[5 0 R]>>' },
            { num: 1, body: objectText(signed, 1).replace(/>>$/, `/DSS ${next()} 0 R>>`) },
          ]),
      ],
      [
        'resources changed under cover of /Info',
        () => appendRaw(signed, [{ num: 5, body: '<</Font<</F1 6 0 R>>/XObject<</X1 8 0 R>>>>' }], { info: '5 0 R' }),
      ],
      [
        'a content stream disguised as a cross-reference stream',
        () =>
          appendRaw(signed, [
            {
              num: 4,
              body: `<</Type/XRef/W[1 1 1]/Size 1/Length ${EVIL_TEXT.length + 30}>>\nstream\nBT /F1 18 Tf (${EVIL_TEXT}) Tj ET\nendstream`,
            },
          ]),
      ],
      [
        'a content stream disguised as a signature field in the /Contents array',
        () =>
          appendRaw(signed, [
            {
              num: next(),
              body: `<</FT/Sig/Type/Annot/Subtype/Widget/Length 30>>\nstream\nBT /F1 18 Tf (${EVIL_TEXT}) Tj\nendstream`,
            },
            { num: 15, body: `[4 0 R ${next()} 0 R]` },
          ]),
      ],
      [
        'an unsigned signature field whose appearance overlays the text',
        () =>
          appendRaw(signed, [
            {
              num: next(),
              body: `<</FT/Sig/T(fake)/Type/Annot/Subtype/Widget/Rect[40 690 340 730]/P 3 0 R/AP<</N 8 0 R>>>>`,
            },
            { num: 3, body: objectText(signed, 3).replace(/\/Annots\s*\[/, `/Annots[${next()} 0 R `) },
          ]),
      ],
      [
        'the AcroForm made direct in the catalog, with XFA prepared before signing',
        () =>
          appendRaw(signed, [
            {
              num: 1,
              body: objectText(signed, 1).replace(
                '/AcroForm 16 0 R',
                `/AcroForm${objectText(signed, 16).replace(/>>$/, '/XFA 9 0 R>>')}`,
              ),
            },
          ]),
      ],
      [
        'the AcroForm replaced by a new one with XFA prepared before signing',
        () =>
          appendRaw(signed, [
            { num: next(), body: objectText(signed, 16).replace(/>>$/, '/XFA 9 0 R>>') },
            { num: 1, body: objectText(signed, 1).replace('/AcroForm 16 0 R', `/AcroForm ${next()} 0 R`) },
          ]),
      ],
    ])('does not accept %s', async (_label, attack) => {
      const report = await verify(attack());
      expectModificationRejected(report);
    });
  });

  describe('ambiguous structure and CMS', () => {
    it('keeps a signature over a revision with an object defined twice and a duplicate startxref valid, and judges later changes by value', async () => {
      const base = Buffer.from(shadowPreparedPdf()).toString('latin1');
      // A second "4 0 obj" (evil, unreferenced) and a stray startxref inside what gets signed.
      const doubled = base.replace(
        '%%EOF',
        `%%EOF\n4 0 obj\n<</Length ${EVIL_TEXT.length}>>\nstream\n${EVIL_TEXT}\nendstream\nendobj\nstartxref\n0\n`,
      );
      const prepared = new Uint8Array(
        Buffer.from(`${doubled}startxref\n${PdfDocument.open(shadowPreparedPdf()).chain.startxref}\n%%EOF\n`, 'latin1'),
      );
      const twiceSigned = await sign(prepared);
      expect((await verify(twiceSigned)).conclusion).toBe('TOTAL-PASSED');
      // Activating the unreferenced definition is a change of object 4.
      const evilAt = Buffer.from(prepared).toString('latin1').lastIndexOf('4 0 obj');
      const doc = PdfDocument.open(twiceSigned);
      const text = `xref\n4 1\n${String(evilAt).padStart(10, '0')} 00000 n\r\ntrailer\n<</Size ${doc.trailer.get('Size')}/Root 1 0 R/Prev ${doc.chain.startxref}>>\nstartxref\n${twiceSigned.length}\n%%EOF\n`;
      expectModificationRejected(await verify(concat(twiceSigned, text)));
    });

    it('accepts /Contents hex with whitespace and an odd digit count (the gap is not signed)', async () => {
      const [field] = findSignatures(signed);
      const s = Buffer.from(signed).toString('latin1');
      const hex = s.slice(field.byteRange[1] + 1, field.byteRange[2] - 1);
      const cmsHex = Buffer.from(field.contents).toString('hex');
      const spaced = `${cmsHex.replace(/(.{64})/g, '$1\n')}0`; // line breaks, then one extra digit: odd length
      const out = s.slice(0, field.byteRange[1] + 1) + spaced.padEnd(hex.length, ' ') + s.slice(field.byteRange[2] - 1);
      const report = await verify(new Uint8Array(Buffer.from(out, 'latin1')));
      expect(report.conclusion).toBe('TOTAL-PASSED');
    });

    it('refuses a /Contents string longer than the reserved space', async () => {
      const [field] = findSignatures(signed);
      const s = Buffer.from(signed).toString('latin1');
      const out = s.slice(0, field.byteRange[2] - 1) + '0000' + s.slice(field.byteRange[2] - 1); // the string now ends 4 bytes after the gap
      await expectNotPassed(new Uint8Array(Buffer.from(out, 'latin1')));
    });

    it('accepts a CMS with two SignerInfos that both verify, with a not-ETSI-conformant warning', async () => {
      const report = await verify(
        replaceCms(signed, editSignedData(findSignatures(signed)[0].contents, duplicateSignerInfo)),
      );
      expect(report.signatures[0].indication).toBe('TOTAL-PASSED');
      expect(report.signatures[0].reasons).toContainEqual(
        expect.objectContaining({ code: 'NOT_ETSI_CONFORMANT', detail: 'CMS_MULTIPLE_SIGNERS' }),
      );
    });

    it('refuses a CMS that embeds other content than the byte ranges instead of being detached', async () => {
      const report = await expectNotPassed(
        replaceCms(signed, editSignedData(findSignatures(signed)[0].contents, embedContent(EVIL_TEXT))),
      );
      expect(report?.signatures[0].subIndication).toBe('HASH_FAILURE');
    });
  });

  describe('coverage', () => {
    it('says the signature does not cover the document when bytes are appended', async () => {
      const report = await verify(
        appendRaw(signed, [{ num: 6, body: '<</Type/Font/Subtype/Type1/BaseFont/Courier>>' }]),
      );
      expect(report.signatures[0].coverage).toMatchObject({ coversWholeRevision: true, coversWholeDocument: false });
    });

    it('accepts trailing whitespace and newlines after the signed revision', async () => {
      const report = await verify(concat(signed, '\r\n\n  \n'));
      expect(report.conclusion).toBe('TOTAL-PASSED');
      expect(report.signatures[0].coverage.coversWholeDocument).toBe(true);
    });
  });
});

function concat(pdf: Uint8Array, text: string): Uint8Array {
  return new Uint8Array(Buffer.concat([pdf, Buffer.from(text, 'latin1')]));
}
