import { crc32, deflateSync } from 'node:zlib';
import { decodePng } from './png';

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

const paeth = (a: number, b: number, c: number) => {
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
};

/** Encodes raw scanlines with the given filter (0-4) on every row, as an encoder would. */
function png(
  width: number,
  height: number,
  colorType: number,
  depth: number,
  rows: Buffer[],
  filter: number,
  extra: Buffer[] = [],
): Buffer {
  const bpp = Math.max(1, ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colorType]! * depth) >> 3);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = depth;
  ihdr[9] = colorType;
  let prev: Buffer = Buffer.alloc(rows[0].length);
  const out: Buffer[] = [];
  for (const row of rows) {
    const f = Buffer.alloc(row.length + 1);
    f[0] = filter;
    for (let i = 0; i < row.length; i++) {
      const a = i >= bpp ? row[i - bpp] : 0;
      const b = prev[i];
      const c = i >= bpp ? prev[i - bpp] : 0;
      const pred = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter];
      f[i + 1] = (row[i] - pred) & 0xff;
    }
    out.push(f);
    prev = row;
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...extra,
    chunk('IDAT', deflateSync(Buffer.concat(out))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('decodePng', () => {
  const rgbaRows = [0, 1, 2].map((y) => Buffer.from([...Array(4 * 4).keys()].map((i) => (i * 37 + y * 91) & 0xff)));

  it.each([0, 1, 2, 3, 4])('reverses filter %i to the same RGBA pixels, alpha apart', (filter) => {
    const img = decodePng(png(4, 3, 6, 8, rgbaRows, filter));
    expect([img.width, img.height, img.colors]).toEqual([4, 3, 3]);
    expect([...img.pixels.subarray(0, 6)]).toEqual([...rgbaRows[0].subarray(0, 3), ...rgbaRows[0].subarray(4, 7)]);
    expect(img.alpha![0]).toBe(rgbaRows[0][3]);
    expect(img.alpha![11]).toBe(rgbaRows[2][15]);
  });

  it('reads a 2-bit palette image with tRNS as RGB plus alpha', () => {
    const plte = chunk('PLTE', Buffer.from([255, 0, 0, 0, 0, 255, 255, 255, 255]));
    const trns = chunk('tRNS', Buffer.from([255, 255, 0]));
    // Indices 0, 1, 2, 1 packed in one byte: 00 01 10 01.
    const img = decodePng(png(4, 1, 3, 2, [Buffer.from([0b00011001])], 0, [plte, trns]));
    expect([...img.pixels]).toEqual([255, 0, 0, 0, 0, 255, 255, 255, 255, 0, 0, 255]);
    expect([...img.alpha!]).toEqual([255, 255, 0, 255]);
  });

  it('reads 16-bit grey with a tRNS colour key, and leaves out the mask of an opaque image', () => {
    const rows = [Buffer.from([0x12, 0x34, 0xff, 0xff])];
    const keyed = decodePng(png(2, 1, 0, 16, rows, 0, [chunk('tRNS', Buffer.from([0xff, 0xff]))]));
    expect([keyed.colors, ...keyed.pixels]).toEqual([1, 0x12, 0xff]);
    expect([...keyed.alpha!]).toEqual([255, 0]);
    expect(decodePng(png(2, 1, 0, 16, rows, 0)).alpha).toBeUndefined();
  });

  it('keeps the physical size of pHYs', () => {
    const phys = Buffer.alloc(9);
    phys.writeUInt32BE(11811, 0);
    phys.writeUInt32BE(11811, 4);
    phys[8] = 1;
    expect(decodePng(png(4, 3, 6, 8, rgbaRows, 0, [chunk('pHYs', phys)])).pixelsPerMetre).toEqual({
      x: 11811,
      y: 11811,
    });
  });

  it.each([
    ['not a PNG', Buffer.from('GIF89a')],
    ['truncated', png(4, 3, 6, 8, rgbaRows, 0).subarray(0, 40)],
    ['image data of the wrong size', png(4, 3, 6, 8, rgbaRows.slice(0, 2), 0).fill(3, 19, 20)],
    ['an unknown row filter', png(4, 3, 6, 8, rgbaRows, 7)],
    ['too many pixels', png(4, 3, 6, 8, rgbaRows, 0).fill(0x7f, 16, 17)],
  ])('refuses %s with APPEARANCE_IMAGE_INVALID', (_name, bytes) => {
    expect(() => decodePng(bytes)).toThrow(expect.objectContaining({ code: 'APPEARANCE_IMAGE_INVALID' }));
  });
});
