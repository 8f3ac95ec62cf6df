import { deflateSync } from 'node:zlib';
import * as fc from 'fast-check';
import { buildPdf, dummyCms, makePdf, minimalBodies, qpdf } from '../../test-fixtures/pdf/make-pdfs';
import { readableRevisions, unaccountedAppendedData } from './appended';
import { describeChangesAfter } from './changes';
import { checkPdfStructure } from './check';
import { PDF_LIMITS, PdfFormatError } from './errors';
import { embedSignature, preparePdfSignature } from './prepare';
import { findSignatures } from './signatures';

// The module object itself (an import's namespace cannot be spied on): filters.ts calls through it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const zlib = require('node:zlib') as typeof import('node:zlib');

const latin1 = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');

/** Asserts a PdfFormatError with this code, without runaway work (a hang guard, not a speed measure). */
function expectCode(pdf: Uint8Array, code: string, fn: (pdf: Uint8Array) => unknown = checkPdfStructure): void {
  const started = Date.now();
  let error: unknown;
  try {
    fn(pdf);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(PdfFormatError);
  expect(error).toMatchObject({ code });
  expect(Date.now() - started).toBeLessThan(10_000);
}

describe('checkPdfStructure', () => {
  let classic: Uint8Array;
  let streams: Uint8Array;
  beforeAll(async () => {
    classic = await makePdf({ pages: 2 });
    streams = qpdf(classic, ['--object-streams=generate']);
  });

  it('accepts well-formed documents of every kind', async () => {
    for (const pdf of [
      classic,
      streams,
      qpdf(classic, ['--linearize']),
      await makePdf({ useObjectStreams: true }),
      buildPdf(minimalBodies()),
    ]) {
      expect(() => checkPdfStructure(pdf)).not.toThrow();
    }
  });

  it('tolerates junk before the header, comments and odd whitespace', () => {
    const bodies = [
      '<< /Type /Catalog % a comment\r\n /Pages 2 0 R >>',
      '<</Type/Pages/Kids[3 0 R]/Count 1>>',
      '<<\t/Type\f/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>',
    ];
    expect(() => checkPdfStructure(buildPdf(bodies))).not.toThrow();
    const shifted = new Uint8Array([...latin1('GARBAGE\n'), ...buildPdf(minimalBodies())]);
    expect(() => checkPdfStructure(shifted)).not.toThrow();
  });

  it('refuses an empty file and a text file', () => {
    expectCode(new Uint8Array(), 'EMPTY_FILE');
    expectCode(latin1('Kính gửi: Sở Nội vụ\n'.repeat(100)), 'NOT_A_PDF');
    expectCode(new Uint8Array([...new Uint8Array(2000), ...classic]), 'NOT_A_PDF');
  });

  it.each([0.1, 0.5, 0.9, 0.999])('refuses a document truncated at %p of its length', (fraction) => {
    expectCode(classic.subarray(0, Math.floor(classic.length * fraction)), 'TRUNCATED_PDF');
    expectCode(streams.subarray(0, Math.floor(streams.length * fraction)), 'TRUNCATED_PDF');
  });

  it('refuses a startxref pointing outside the file or at nothing', () => {
    const s = text(classic);
    expectCode(latin1(s.replace(/startxref\s+\d+/, 'startxref\n99999999')), 'TRUNCATED_PDF');
    expectCode(latin1(s.replace(/startxref\s+\d+/, 'startxref\n')), 'TRUNCATED_PDF');
    expectCode(latin1(s.replace(/startxref\s+\d+/, 'startxref\n20')), 'MALFORMED_PDF');
  });

  it('refuses a /Prev loop', () => {
    const at = classic.length;
    const loop = `xref\n0 0\ntrailer\n<</Size 9/Root 1 0 R/Prev ${at}>>\nstartxref\n${at}\n%%EOF\n`;
    expectCode(new Uint8Array([...classic, ...latin1(loop)]), 'MALFORMED_PDF');
  });

  it('refuses a huge stream /Length and a decompression bomb', () => {
    const s = text(streams);
    const xrefAt = s.lastIndexOf('/Type /XRef') >= 0 ? s.lastIndexOf('obj', s.lastIndexOf('/Type /XRef')) : -1;
    expect(xrefAt).toBeGreaterThan(0);
    const patched = s.slice(0, xrefAt) + s.slice(xrefAt).replace(/\/Length \d+/, '/Length 999999999');
    expectCode(latin1(patched), 'MALFORMED_PDF');

    // An xref stream that inflates to 70 MB: refused without inflating it all.
    const head = buildPdf(minimalBodies());
    const body = text(head).slice(0, text(head).indexOf('xref'));
    const bomb = deflateSync(Buffer.alloc(70 * 1024 * 1024));
    const xrefStream = Buffer.concat([
      Buffer.from(
        `${body}4 0 obj\n<</Type/XRef/Size 5/W[1 4 2]/Root 1 0 R/Filter/FlateDecode/Length ${bomb.length}>>\nstream\n`,
        'latin1',
      ),
      bomb,
      Buffer.from(`\nendstream\nendobj\nstartxref\n${body.length}\n%%EOF\n`, 'latin1'),
    ]);
    const inflate = jest.spyOn(zlib, 'inflateSync');
    try {
      expectCode(new Uint8Array(xrefStream), 'MALFORMED_PDF');
      expect(inflate).toHaveBeenCalled();
      for (const [, options] of inflate.mock.calls)
        expect(options?.maxOutputLength).toBeLessThanOrEqual(PDF_LIMITS.maxDecodedStream);
    } finally {
      inflate.mockRestore();
    }
  });

  it('refuses deep nesting, self-referencing lengths and page tree loops', () => {
    const deep = buildPdf([
      `<</Type/Catalog/Pages 2 0 R/X ${'['.repeat(5000)}${']'.repeat(5000)}>>`,
      ...minimalBodies().slice(1),
    ]);
    expectCode(deep, 'MALFORMED_PDF');
    const deepDict = buildPdf([
      `<</Type/Catalog/Pages 2 0 R/X ${'<</A '.repeat(5000)}1${'>>'.repeat(5000)}>>`,
      ...minimalBodies().slice(1),
    ]);
    expectCode(deepDict, 'MALFORMED_PDF');
    const selfLength = buildPdf([
      '<</Type/Catalog/Pages 2 0 R>>',
      '<</Type/Pages/Kids[3 0 R]/Count 1/Length 2 0 R>>\nstream\nabc\nendstream',
      '<</Type/Page/Parent 2 0 R>>',
    ]);
    expectCode(selfLength, 'MALFORMED_PDF');
    const loop = buildPdf(['<</Type/Catalog/Pages 2 0 R>>', '<</Type/Pages/Kids[2 0 R]/Count 1>>']);
    expectCode(loop, 'MALFORMED_PDF');
    const unterminated = buildPdf(['<</Type/Catalog/Pages 2 0 R/T (never closed>>', ...minimalBodies().slice(1)]);
    expectCode(unterminated, 'MALFORMED_PDF');
  });

  it('refuses an encrypted document that needs a user password (qpdf AES-256)', () => {
    const encrypted = qpdf(classic, ['--encrypt', 'u', 'o', '256', '--']);
    expectCode(encrypted, 'ENCRYPTED_PDF');
    expectCode(encrypted, 'ENCRYPTED_PDF', findSignatures);
    expectCode(encrypted, 'ENCRYPTED_PDF', (p) => preparePdfSignature(p, { signingTime: new Date() }));
  });

  it('never throws anything but PdfFormatError on mutated documents (property)', async () => {
    const signed = embedSignature(
      preparePdfSignature(streams, { signingTime: new Date(0), reason: 'Đồng ý' }),
      dummyCms(300),
    );
    const samples = [classic, signed];
    const outcomes = { ok: 0, refused: 0 };
    const mutation = fc.record({
      sample: fc.integer({ min: 0, max: samples.length - 1 }),
      edits: fc.array(
        fc.tuple(
          fc.double({ min: 0, max: 1, noNaN: true }),
          fc.integer({ min: 0, max: 255 }),
          fc.oneof({ arbitrary: fc.constant('set'), weight: 8 }, fc.constant('insert'), fc.constant('delete')),
        ),
        { minLength: 1, maxLength: 4 },
      ),
      cut: fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, fc.double({ min: 0, max: 1, noNaN: true })),
    });
    fc.assert(
      fc.property(mutation, ({ sample, edits, cut }) => {
        let pdf = Uint8Array.from(samples[sample]);
        // Bias half of the edits towards the tail, where the xref and trailer live.
        for (const [where, byte, op] of edits) {
          const at = Math.floor((where < 0.5 ? where * 2 : 0.8 + (where - 0.5) * 0.4) * (pdf.length - 1));
          if (op === 'set') pdf[at] = byte;
          else if (op === 'insert') pdf = Buffer.concat([pdf.subarray(0, at), Buffer.from([byte]), pdf.subarray(at)]);
          else pdf = Buffer.concat([pdf.subarray(0, at), pdf.subarray(at + 1)]);
        }
        if (cut !== undefined) pdf = pdf.subarray(0, Math.floor(cut * pdf.length));
        // Changes after the first revision (where the signed sample's signature update begins).
        const firstRevision = sample === 1 ? streams.length : Math.floor(pdf.length / 2);
        const checks = [
          checkPdfStructure,
          findSignatures,
          readableRevisions,
          (p: Uint8Array) => describeChangesAfter(p, firstRevision),
          (p: Uint8Array) => unaccountedAppendedData(p, firstRevision),
        ];
        for (const fn of checks) {
          try {
            fn(pdf);
            outcomes.ok++;
          } catch (e) {
            if (!(e instanceof PdfFormatError)) throw e;
            outcomes.refused++;
          }
        }
      }),
      { numRuns: 400 },
    );
    // The mutations must exercise both paths, not only the early refusals.
    expect(outcomes.ok).toBeGreaterThan(50);
    expect(outcomes.refused).toBeGreaterThan(50);
  });
});
