import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';

/** Test PDFs generated on the fly (pdf-lib, then qpdf for xref streams and linearization). */
export async function makePdf(opts: { pages?: number; useObjectStreams?: boolean } = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle('Công văn số 12/UBND');
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < (opts.pages ?? 1); i++) {
    const page = doc.addPage([595, 842]);
    page.drawText(`Page ${i + 1} of a test document`, { x: 50, y: 780, size: 14, font });
  }
  return doc.save({ useObjectStreams: opts.useObjectStreams ?? false });
}

/** Runs qpdf with the input written to a temp file; returns the output file's bytes. */
export function qpdf(input: Uint8Array, args: string[]): Uint8Array {
  return withTemp((dir) => {
    const inFile = join(dir, 'in.pdf');
    const outFile = join(dir, 'out.pdf');
    writeFileSync(inFile, input);
    const r = spawnSync('qpdf', [...args, inFile, outFile]);
    if (r.status !== 0 && r.status !== 3) throw new Error(`qpdf ${args.join(' ')} failed: ${r.stderr}`);
    return new Uint8Array(readFileSync(outFile));
  });
}

/** `qpdf --check`: exit status 0 (fine) or 3 (warnings) with its output. */
export function qpdfCheck(pdf: Uint8Array): { status: number | null; output: string } {
  return withTemp((dir) => {
    const file = join(dir, 'f.pdf');
    writeFileSync(file, pdf);
    const r = spawnSync('qpdf', ['--check', file]);
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  });
}

/** `pdfsig` output (poppler) for a file. */
export function pdfsig(pdf: Uint8Array): { status: number | null; output: string } {
  return withTemp((dir) => {
    const file = join(dir, 'f.pdf');
    writeFileSync(file, pdf);
    const r = spawnSync('pdfsig', [file]);
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  });
}

function withTemp<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'kyso-pdf-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A fake CMS: a DER SEQUENCE of the given size (the PDF layer never parses it). */
export function dummyCms(size = 1200, fill = 0x42): Uint8Array {
  const body = size - 4;
  return new Uint8Array([0x30, 0x82, body >> 8, body & 0xff, ...new Uint8Array(body).fill(fill)]);
}

/** A hand-written PDF with a correct classic xref: object i+1 is bodies[i], /Root is 1 0 R. */
export function buildPdf(bodies: (string | Uint8Array)[], trailerExtra = ''): Uint8Array {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let length = parts[0].length;
  const offsets: number[] = [];
  bodies.forEach((body, i) => {
    offsets.push(length);
    const chunk = Buffer.concat([
      Buffer.from(`${i + 1} 0 obj\n`),
      Buffer.from(body as string, 'latin1'),
      Buffer.from('\nendobj\n'),
    ]);
    parts.push(chunk);
    length += chunk.length;
  });
  const xref =
    `xref\n0 ${bodies.length + 1}\n0000000000 65535 f\r\n` +
    offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n\r\n`).join('') +
    `trailer\n<</Size ${bodies.length + 1}/Root 1 0 R${trailerExtra}>>\nstartxref\n${length}\n%%EOF\n`;
  parts.push(Buffer.from(xref, 'latin1'));
  return new Uint8Array(Buffer.concat(parts));
}

/** The minimal valid document: catalog, page tree, one empty page. */
export const minimalBodies = (): string[] => [
  '<</Type/Catalog/Pages 2 0 R>>',
  '<</Type/Pages/Kids[3 0 R]/Count 1>>',
  '<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>',
];
