import { badRequest, unprocessable } from '@kyso/common';
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';

/** Limits for a handwritten-signature image: small enough to embed in every signed PDF page. */
export const SIGNATURE_IMAGE_LIMITS = { maxBytes: 512 * 1024, minSide: 16, maxWidth: 2000, maxHeight: 1000 } as const;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Colour types: 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA (PNG spec 11.2.2). */
const BIT_DEPTHS: Record<number, number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

export type PngCheck =
  | { ok: true; width: number; height: number; colorType: number; transparency: 'alpha' | 'tRNS' }
  | {
      ok: false;
      code: 'NOT_A_PNG' | 'PNG_CORRUPT' | 'PNG_NOT_TRANSPARENT' | 'IMAGE_TOO_LARGE' | 'IMAGE_TOO_SMALL';
      message: string;
    };

const bad = (code: Exclude<PngCheck, { ok: true }>['code'], message: string): PngCheck => ({
  ok: false,
  code,
  message,
});

/**
 * Checks that the bytes are one well-formed PNG whose background can be transparent: the 8-byte
 * signature, IHDR first with valid fields, every chunk's CRC, IDAT present, IEND last, and either a
 * colour type with alpha (4, 6) or a tRNS chunk before the image data.
 */
export function checkSignaturePng(bytes: Uint8Array): PngCheck {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length > SIGNATURE_IMAGE_LIMITS.maxBytes)
    return bad('IMAGE_TOO_LARGE', `the image is larger than ${SIGNATURE_IMAGE_LIMITS.maxBytes} bytes`);
  if (b.length < 8 || !b.subarray(0, 8).equals(PNG_SIGNATURE)) return bad('NOT_A_PNG', 'the file is not a PNG image');
  let pos = 8;
  let ihdr: { width: number; height: number; depth: number; colorType: number } | undefined;
  let tRNS = false;
  let idat = false;
  let ended = false;
  while (pos < b.length) {
    if (ended) return bad('PNG_CORRUPT', 'data after IEND');
    if (pos + 12 > b.length) return bad('PNG_CORRUPT', 'truncated chunk');
    const len = b.readUInt32BE(pos);
    const type = b.toString('latin1', pos + 4, pos + 8);
    if (len > 0x7fffffff || pos + 12 + len > b.length) return bad('PNG_CORRUPT', `truncated ${type} chunk`);
    if (!/^[A-Za-z]{4}$/.test(type)) return bad('PNG_CORRUPT', 'invalid chunk type');
    const data = b.subarray(pos + 8, pos + 8 + len);
    if (crc32(b.subarray(pos + 4, pos + 8 + len)) !== b.readUInt32BE(pos + 8 + len))
      return bad('PNG_CORRUPT', `CRC mismatch in ${type} chunk`);
    if (!ihdr && type !== 'IHDR') return bad('PNG_CORRUPT', 'IHDR must be the first chunk');
    switch (type) {
      case 'IHDR': {
        if (ihdr || len !== 13) return bad('PNG_CORRUPT', 'invalid IHDR');
        ihdr = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), depth: data[8], colorType: data[9] };
        if (!BIT_DEPTHS[ihdr.colorType]?.includes(ihdr.depth) || data[10] !== 0 || data[11] !== 0 || data[12] > 1)
          return bad('PNG_CORRUPT', 'invalid IHDR fields');
        break;
      }
      case 'tRNS':
        if (idat) return bad('PNG_CORRUPT', 'tRNS after image data');
        tRNS = true;
        break;
      case 'IDAT':
        idat = true;
        break;
      case 'IEND':
        ended = true;
        break;
    }
    pos += 12 + len;
  }
  if (!ihdr || !idat || !ended) return bad('PNG_CORRUPT', 'missing IHDR, IDAT or IEND');
  const { width, height, colorType } = ihdr;
  if (width < SIGNATURE_IMAGE_LIMITS.minSide || height < SIGNATURE_IMAGE_LIMITS.minSide)
    return bad('IMAGE_TOO_SMALL', `the image must be at least ${SIGNATURE_IMAGE_LIMITS.minSide} pixels on each side`);
  if (width > SIGNATURE_IMAGE_LIMITS.maxWidth || height > SIGNATURE_IMAGE_LIMITS.maxHeight) {
    return bad(
      'IMAGE_TOO_LARGE',
      `the image must be at most ${SIGNATURE_IMAGE_LIMITS.maxWidth}x${SIGNATURE_IMAGE_LIMITS.maxHeight} pixels`,
    );
  }
  if (colorType === 4 || colorType === 6) return { ok: true, width, height, colorType, transparency: 'alpha' };
  if (tRNS) return { ok: true, width, height, colorType, transparency: 'tRNS' };
  return bad(
    'PNG_NOT_TRANSPARENT',
    'the signature image must have a transparent background (an alpha channel or a tRNS chunk)',
  );
}

/** A checked PNG as the registry stores it (officials' signature images, organisations' seals). */
export interface StoredPng {
  png: Buffer;
  width: number;
  height: number;
  sha256: string;
  uploadedAt: Date;
}

/** Checks an uploaded PNG (422 with the check's code) and makes the record to store. */
export function storedPng(png: Buffer, uploadedAt: Date): StoredPng {
  const checked = checkSignaturePng(png);
  if (!checked.ok) throw unprocessable(checked.code, checked.message);
  const sha256 = createHash('sha256').update(png).digest('hex');
  return { png, width: checked.width, height: checked.height, sha256, uploadedAt };
}

/** What an upload answers, and what its audit entry keeps (never the image). */
export const storedPngInfo = (image: StoredPng) => ({
  width: image.width,
  height: image.height,
  sha256: image.sha256,
  uploadedAt: image.uploadedAt.toISOString(),
});

export const storedPngAudit = (image: StoredPng) => ({
  sha256: image.sha256,
  width: image.width,
  height: image.height,
  bytes: image.png.length,
});

/** The multipart `file` of an image upload: 400 MISSING_FIELD when absent or empty. */
export function uploadedPng(file: Express.Multer.File | undefined): Buffer {
  if (!file?.buffer?.length)
    throw badRequest('MISSING_FIELD', 'file: a PNG image is required', {
      errors: [{ field: 'file', problem: 'missing' }],
    });
  return file.buffer;
}
