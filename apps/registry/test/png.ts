import { crc32, deflateSync } from 'node:zlib';

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/**
 * A real PNG: 8-bit, the given colour type (0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA),
 * optional tRNS, filter byte 0 on each row, zlib-compressed pixels.
 */
export function makePng(opts: { width: number; height: number; colorType: 0 | 2 | 3 | 4 | 6; tRNS?: boolean }): Buffer {
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[opts.colorType];
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(opts.width, 0);
  ihdr.writeUInt32BE(opts.height, 4);
  ihdr[8] = 8;
  ihdr[9] = opts.colorType;
  const row = Buffer.alloc(1 + opts.width * channels, 0x80);
  row[0] = 0;
  const raw = Buffer.concat(Array.from({ length: opts.height }, () => row));
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr)];
  if (opts.colorType === 3) parts.push(chunk('PLTE', Buffer.from([0, 0, 0, 255, 255, 255])));
  if (opts.tRNS)
    parts.push(chunk('tRNS', opts.colorType === 3 ? Buffer.from([0]) : Buffer.alloc(opts.colorType === 2 ? 6 : 2)));
  parts.push(chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat(parts);
}
