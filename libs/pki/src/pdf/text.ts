import { PdfString } from './objects';

/** PDFDocEncoding where it differs from Latin-1 (ISO 32000-1, annex D). */
const PDF_DOC: Record<number, number> = {
  0x18: 0x02d8,
  0x19: 0x02c7,
  0x1a: 0x02c6,
  0x1b: 0x02d9,
  0x1c: 0x02dd,
  0x1d: 0x02db,
  0x1e: 0x02da,
  0x1f: 0x02dc,
  0x80: 0x2022,
  0x81: 0x2020,
  0x82: 0x2021,
  0x83: 0x2026,
  0x84: 0x2014,
  0x85: 0x2013,
  0x86: 0x0192,
  0x87: 0x2044,
  0x88: 0x2039,
  0x89: 0x203a,
  0x8a: 0x2212,
  0x8b: 0x2030,
  0x8c: 0x201e,
  0x8d: 0x201c,
  0x8e: 0x201d,
  0x8f: 0x2018,
  0x90: 0x2019,
  0x91: 0x201a,
  0x92: 0x2122,
  0x93: 0xfb01,
  0x94: 0xfb02,
  0x95: 0x0141,
  0x96: 0x0152,
  0x97: 0x0160,
  0x98: 0x0178,
  0x99: 0x017d,
  0x9a: 0x0131,
  0x9b: 0x0142,
  0x9c: 0x0153,
  0x9d: 0x0161,
  0x9e: 0x017e,
  0xa0: 0x20ac,
};

/** A text string (7.9.2.2): UTF-16BE or UTF-8 with a byte order mark, else PDFDocEncoding. */
export function decodeTextString(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    const even = bytes.subarray(2, 2 + ((bytes.length - 2) & ~1));
    return Buffer.from(even).swap16().toString('utf16le');
  }
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return Buffer.from(bytes.buffer, bytes.byteOffset + 3, bytes.length - 3).toString('utf8');
  }
  let s = '';
  for (const b of bytes) s += String.fromCharCode(PDF_DOC[b] ?? b);
  return s;
}

/** A text string for writing: printable ASCII as a literal string, anything else UTF-16BE (Vietnamese). */
export function encodeTextString(text: string): PdfString {
  if (/^[\x20-\x7e]*$/.test(text)) return new PdfString(Buffer.from(text, 'latin1'), false);
  const utf16 = Buffer.from(text, 'utf16le').swap16();
  return new PdfString(Buffer.concat([Buffer.from([0xfe, 0xff]), utf16]), true);
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** A PDF date (7.9.4) for an instant shown at a UTC offset, e.g. D:20261125183000+07'00'. */
export function formatPdfDate(date: Date, offsetMinutes = 420): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('invalid date');
  const local = new Date(date.getTime() + offsetMinutes * 60_000);
  const body =
    `${pad(local.getUTCFullYear(), 4)}${pad(local.getUTCMonth() + 1)}${pad(local.getUTCDate())}` +
    `${pad(local.getUTCHours())}${pad(local.getUTCMinutes())}${pad(local.getUTCSeconds())}`;
  if (offsetMinutes === 0) return `D:${body}Z`;
  const abs = Math.abs(offsetMinutes);
  return `D:${body}${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}'${pad(abs % 60)}'`;
}

const DATE = /^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:([+\-Z])(?:(\d{2})'?(?:(\d{2})'?)?)?)?\s*$/;

/** Parses a PDF date; null when it does not follow 7.9.4. Without an offset, UTC is assumed. */
export function parsePdfDate(text: string): Date | null {
  const m = DATE.exec(text.trim());
  if (!m) return null;
  const [year, month = 1, day = 1, hour = 0, minute = 0, second = 0] = m
    .slice(1, 7)
    .map((x) => (x === undefined ? undefined : Number(x)));
  if (month! < 1 || month! > 12 || day! < 1 || day! > 31 || hour! > 23 || minute! > 59 || second! > 59) return null;
  let offset = 0;
  if (m[7] === '+' || m[7] === '-') offset = (m[7] === '-' ? -1 : 1) * (Number(m[8] ?? 0) * 60 + Number(m[9] ?? 0));
  const utc = Date.UTC(year!, month! - 1, day, hour, minute, second) - offset * 60_000;
  return new Date(utc);
}
