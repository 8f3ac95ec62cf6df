import { inflateSync } from 'node:zlib';
import { AppearanceError } from './errors';

/** An image ready for a PDF image XObject: 8-bit samples, colour and alpha apart (alpha becomes the /SMask). */
export interface DecodedImage {
  width: number;
  height: number;
  colors: 1 | 3;
  /** width * height * colors bytes. */
  pixels: Buffer;
  /** width * height bytes, absent when every pixel is opaque. */
  alpha?: Buffer;
  /** Physical size from pHYs (pixels per metre), when the image says it. */
  pixelsPerMetre?: { x: number; y: number };
}

/** Images for the appearance are small; this bounds memory on a hostile one. */
const MAX_PIXELS = 4_000_000;
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

const bad = (message: string) => new AppearanceError('APPEARANCE_IMAGE_INVALID', message);

/** Decodes a non-interlaced PNG (any colour type and bit depth) into 8-bit colour and alpha planes. */
export function decodePng(bytes: Uint8Array): DecodedImage {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 8 || b.readUInt32BE(0) !== 0x89504e47 || b.readUInt32BE(4) !== 0x0d0a1a0a)
    throw bad('the image is not a PNG');
  let pos = 8;
  let ihdr: { width: number; height: number; depth: number; colorType: number; interlace: number } | undefined;
  let palette: Buffer | undefined;
  let trns: Buffer | undefined;
  let pixelsPerMetre: DecodedImage['pixelsPerMetre'];
  const idat: Buffer[] = [];
  while (pos + 8 <= b.length) {
    const len = b.readUInt32BE(pos);
    const type = b.toString('latin1', pos + 4, pos + 8);
    if (pos + 12 + len > b.length) throw bad(`truncated ${type} chunk`);
    const data = b.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR' && len === 13)
      ihdr = {
        width: data.readUInt32BE(0),
        height: data.readUInt32BE(4),
        depth: data[8],
        colorType: data[9],
        interlace: data[12],
      };
    else if (type === 'PLTE') palette = data;
    else if (type === 'tRNS') trns = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'pHYs' && len === 9 && data[8] === 1)
      pixelsPerMetre = { x: data.readUInt32BE(0), y: data.readUInt32BE(4) };
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  if (!ihdr || idat.length === 0) throw bad('the PNG has no IHDR or no image data');
  const { width, height, depth, colorType, interlace } = ihdr;
  const channels = CHANNELS[colorType];
  if (!channels || ![1, 2, 4, 8, 16].includes(depth)) throw bad('unknown PNG colour type or bit depth');
  if (interlace !== 0) throw bad('interlaced PNG images are not supported');
  if (width < 1 || height < 1 || width * height > MAX_PIXELS)
    throw bad(`the image must have 1 to ${MAX_PIXELS} pixels`);
  if (colorType === 3 && !palette) throw bad('a palette PNG without PLTE');

  const rowBytes = Math.ceil((width * channels * depth) / 8);
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(idat), { maxOutputLength: (rowBytes + 1) * height });
  } catch {
    throw bad('the PNG image data is corrupt');
  }
  if (raw.length !== (rowBytes + 1) * height) throw bad('the PNG image data has the wrong size');
  const rows = unfilter(raw, rowBytes, height, Math.max(1, (channels * depth) >> 3));

  const colors: 1 | 3 = colorType === 2 || colorType === 3 || colorType === 6 ? 3 : 1;
  const pixels = Buffer.alloc(width * height * colors);
  const alpha = Buffer.alloc(width * height, 255);
  const max = (1 << Math.min(depth, 8)) - 1;
  const sample = (row: Buffer, i: number): number => {
    if (depth === 16) return row.readUInt16BE(i * 2);
    if (depth === 8) return row[i];
    const bit = i * depth;
    return (row[bit >> 3] >> (8 - depth - (bit & 7))) & max;
  };
  const to8 = (v: number) => (depth === 16 ? v >> 8 : depth === 8 ? v : Math.round((v * 255) / max));
  const key = trns && colorType !== 3 ? trnsKey(trns, colorType) : undefined;
  for (let y = 0; y < height; y++) {
    const row = rows[y];
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const s = (c: number) => sample(row, x * channels + c);
      if (colorType === 3) {
        const idx = s(0);
        if (idx * 3 + 2 >= palette!.length) throw bad('a palette index outside PLTE');
        palette!.copy(pixels, p * 3, idx * 3, idx * 3 + 3);
        if (trns && idx < trns.length) alpha[p] = trns[idx];
        continue;
      }
      const raw = Array.from({ length: channels }, (_, c) => s(c));
      for (let c = 0; c < colors; c++) pixels[p * colors + c] = to8(raw[c]);
      if (channels === 2 || channels === 4) alpha[p] = to8(raw[channels - 1]);
      else if (key && raw.every((v, c) => v === key[c])) alpha[p] = 0;
    }
  }
  const opaque = alpha.every((a) => a === 255);
  return { width, height, colors, pixels, alpha: opaque ? undefined : alpha, pixelsPerMetre };
}

function trnsKey(trns: Buffer, colorType: number): number[] | undefined {
  if (colorType === 0 && trns.length >= 2) return [trns.readUInt16BE(0)];
  if (colorType === 2 && trns.length >= 6) return [0, 2, 4].map((o) => trns.readUInt16BE(o));
  return undefined;
}

/** Reverses the PNG row filters (PNG spec 9): None, Sub, Up, Average, Paeth. */
function unfilter(raw: Buffer, rowBytes: number, height: number, bpp: number): Buffer[] {
  const rows: Buffer[] = [];
  let prev = Buffer.alloc(rowBytes);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (rowBytes + 1)];
    const cur = Buffer.from(raw.subarray(y * (rowBytes + 1) + 1, (y + 1) * (rowBytes + 1)));
    for (let i = 0; i < rowBytes; i++) {
      const a = i >= bpp ? cur[i - bpp] : 0;
      const up = prev[i];
      const c = i >= bpp ? prev[i - bpp] : 0;
      switch (filter) {
        case 0:
          break;
        case 1:
          cur[i] = (cur[i] + a) & 0xff;
          break;
        case 2:
          cur[i] = (cur[i] + up) & 0xff;
          break;
        case 3:
          cur[i] = (cur[i] + ((a + up) >> 1)) & 0xff;
          break;
        case 4: {
          const p = a + up - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - up);
          const pc = Math.abs(p - c);
          cur[i] = (cur[i] + (pa <= pb && pa <= pc ? a : pb <= pc ? up : c)) & 0xff;
          break;
        }
        default:
          throw bad(`unknown PNG row filter ${filter}`);
      }
    }
    rows.push(cur);
    prev = cur;
  }
  return rows;
}
