import { constants, inflateSync } from 'node:zlib';
import { malformed, PDF_LIMITS } from './errors';
import { PdfDict, PdfName, PdfObject, PdfStream } from './objects';

/**
 * Decoded data of a stream. Only what the structure needs (xref and object streams): no filter or
 * FlateDecode with PNG predictors. Output is bounded (decompression bombs).
 */
export function decodeStream(
  stream: PdfStream,
  resolve: (o: PdfObject | undefined) => PdfObject | undefined = (o) => o,
): Uint8Array {
  const filters = asList(resolve(stream.dict.get('Filter')));
  const parms = asList(resolve(stream.dict.get('DecodeParms')));
  let data = stream.raw;
  filters.forEach((f, i) => {
    const name = f instanceof PdfName ? f.value : null;
    if (name === 'FlateDecode' || name === 'Fl') {
      data = inflate(data);
      const p = resolve(parms[i]);
      if (p instanceof PdfDict) data = unpredict(data, p);
    } else throw malformed(`unsupported filter ${name ?? '?'} in a structural stream`);
  });
  return data;
}

function asList(o: PdfObject | undefined): PdfObject[] {
  if (o === undefined || o === null) return [];
  return Array.isArray(o) ? o : [o];
}

function inflate(data: Uint8Array): Uint8Array {
  try {
    return inflateSync(data, { maxOutputLength: PDF_LIMITS.maxDecodedStream });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw malformed(`a stream decodes to more than ${PDF_LIMITS.maxDecodedStream} bytes`);
    }
    // Truncated deflate data is common in the wild: keep what decodes.
    try {
      return inflateSync(data, { maxOutputLength: PDF_LIMITS.maxDecodedStream, finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      throw malformed('a stream is not valid FlateDecode data');
    }
  }
}

/** PNG predictors (ISO 32000-1, 7.4.4.4); predictor 1 is identity. */
function unpredict(data: Uint8Array, parms: PdfDict): Uint8Array {
  const predictor = num(parms.get('Predictor'), 1);
  if (predictor === 1) return data;
  if (predictor < 10) throw malformed(`unsupported predictor ${predictor}`);
  const colors = num(parms.get('Colors'), 1);
  const bpc = num(parms.get('BitsPerComponent'), 8);
  const columns = num(parms.get('Columns'), 1);
  if (colors < 1 || colors > 32 || ![1, 2, 4, 8, 16].includes(bpc) || columns < 1 || columns > 1 << 20) {
    throw malformed('bad predictor parameters');
  }
  const bpp = Math.max(1, Math.ceil((colors * bpc) / 8));
  const rowLen = Math.ceil((colors * bpc * columns) / 8);
  const rows = Math.floor(data.length / (rowLen + 1));
  const out = new Uint8Array(rows * rowLen);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (rowLen + 1)];
    const src = r * (rowLen + 1) + 1;
    const dst = r * rowLen;
    const prev = dst - rowLen;
    for (let i = 0; i < rowLen; i++) {
      const raw = data[src + i];
      const left = i >= bpp ? out[dst + i - bpp] : 0;
      const up = r > 0 ? out[prev + i] : 0;
      const upLeft = r > 0 && i >= bpp ? out[prev + i - bpp] : 0;
      let v: number;
      switch (type) {
        case 0:
          v = raw;
          break;
        case 1:
          v = raw + left;
          break;
        case 2:
          v = raw + up;
          break;
        case 3:
          v = raw + ((left + up) >> 1);
          break;
        case 4:
          v = raw + paeth(left, up, upLeft);
          break;
        default:
          throw malformed(`bad PNG predictor row type ${type}`);
      }
      out[dst + i] = v & 0xff;
    }
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

const num = (o: PdfObject | undefined, dflt: number): number =>
  typeof o === 'number' && Number.isInteger(o) ? o : dflt;
