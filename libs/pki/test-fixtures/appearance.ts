import fontkit from '@pdf-lib/fontkit';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { DEFAULT_SERIF_FONT_PATH } from '../src/pades/appearance';

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/**
 * An RGBA PNG of one colour: opaque inside `inset` pixels from each edge, transparent around it
 * (as a scanned signature or seal on a transparent background). `pixelsPerMetre` adds pHYs.
 */
export function solidPng(
  width: number,
  height: number,
  rgb: [number, number, number],
  opts: { inset?: number; pixelsPerMetre?: number } = {},
): Buffer {
  const inset = opts.inset ?? 0;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 4);
    row[0] = y % 2 ? 1 : 0; // alternate filters: None, Sub (both decoders must agree)
    let prev = [0, 0, 0, 0];
    for (let x = 0; x < width; x++) {
      const inside = x >= inset && y >= inset && x < width - inset && y < height - inset;
      const px = inside ? [...rgb, 255] : [255, 255, 255, 0];
      for (let c = 0; c < 4; c++) row[1 + x * 4 + c] = row[0] === 1 ? (px[c] - prev[c]) & 0xff : px[c];
      prev = px;
    }
    rows.push(row);
  }
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr)];
  if (opts.pixelsPerMetre) {
    const phys = Buffer.alloc(9);
    phys.writeUInt32BE(opts.pixelsPerMetre, 0);
    phys.writeUInt32BE(opts.pixelsPerMetre, 4);
    phys[8] = 1;
    parts.push(chunk('pHYs', phys));
  }
  parts.push(chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat(parts);
}

/**
 * An A4 official-document page as an e-office template makes it: Vietnamese text in an embedded
 * Liberation Serif subset (Type0, ToUnicode), a placeholder for the signature under the title line,
 * and a line in a standard font (simple font, WinAnsi). With `issuance`, also "Số:" and "Hà Nam,"
 * followed by the blanks the clerk fills in when issuing (number and symbol, date).
 */
export async function makeTemplatePdf(opts: { issuance?: boolean } = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const serif = await doc.embedFont(readFileSync(DEFAULT_SERIF_FONT_PATH), { subset: true });
  const helvetica = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595.28, 841.89]);
  page.drawText('ỦY BAN NHÂN DÂN TỈNH', { x: 60, y: 780, size: 13, font: serif });
  page.drawText('QUYẾT ĐỊNH về việc thử nghiệm chữ ký số', { x: 120, y: 700, size: 14, font: serif });
  page.drawText('Ref: TEMPLATE-01', { x: 60, y: 660, size: 10, font: helvetica });
  page.drawText('CHỦ TỊCH', { x: 380, y: 300, size: 13, font: serif });
  page.drawText('[CHỮ KÝ LÃNH ĐẠO]', { x: 360, y: 240, size: 11, font: serif });
  page.drawText('Nguyễn Văn A', { x: 380, y: 160, size: 13, font: serif });
  if (opts.issuance) {
    // The heading's number line and place-and-date line, left blank for the clerk (Decree 30, Appendix I).
    page.drawText('Số:', { x: 60, y: 740, size: 13, font: serif });
    page.drawText('Hà Nam,', { x: 330, y: 740, size: 13, font: serif });
  }
  return doc.save({ useObjectStreams: false });
}

/** A page rendered by poppler (pdftoppm) at 72 dpi: one pixel per point, RGB. */
export interface Rendered {
  width: number;
  height: number;
  /** The pixel at PDF point (x, y) from the page's bottom-left. */
  at(x: number, y: number): [number, number, number];
}

export function renderPage(pdf: Uint8Array, page = 1): Rendered {
  const dir = mkdtempSync(join(tmpdir(), 'kyso-render-'));
  try {
    writeFileSync(join(dir, 'f.pdf'), pdf);
    execFileSync('pdftoppm', [
      '-r',
      '72',
      '-f',
      String(page),
      '-l',
      String(page),
      '-singlefile',
      join(dir, 'f.pdf'),
      join(dir, 'p'),
    ]);
    const ppm = readFileSync(join(dir, 'p.ppm'));
    // P6 header: magic, width, height, maxval, each followed by whitespace.
    const header = ppm.toString('latin1', 0, 64).match(/^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/);
    if (!header) throw new Error('pdftoppm did not write a P6 image');
    const [width, height] = [Number(header[1]), Number(header[2])];
    const data = ppm.subarray(header[0].length);
    return {
      width,
      height,
      at(x, y) {
        const col = Math.min(width - 1, Math.max(0, Math.floor(x)));
        const row = Math.min(height - 1, Math.max(0, Math.floor(height - y)));
        const i = (row * width + col) * 3;
        return [data[i], data[i + 1], data[i + 2]];
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a poppler tool on the PDF and returns its output. */
export function poppler(tool: 'pdffonts' | 'pdftotext' | 'pdfsig', pdf: Uint8Array, args: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'kyso-poppler-'));
  try {
    writeFileSync(join(dir, 'f.pdf'), pdf);
    const tail = tool === 'pdftotext' ? [join(dir, 'f.pdf'), '-'] : [join(dir, 'f.pdf')];
    return execFileSync(tool, [...args, ...tail], { encoding: 'utf8', stdio: 'pipe' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
