import { deflateSync } from 'node:zlib';
import { UpdateObject } from '../../pdf/incremental';
import { PdfDict, PdfName, PdfRef } from '../../pdf/objects';
import { serializeValue } from '../../pdf/serialize';

/** Hands out the object numbers of an incremental update. */
export type Allocate = () => PdfRef;

/** A stream object, Flate-compressed: its dictionary gets /Filter and /Length. */
export function streamObject(ref: PdfRef, dict: PdfDict, data: Uint8Array): UpdateObject {
  const body = deflateSync(data);
  const head = serializeValue(dict.set('Filter', new PdfName('FlateDecode')).set('Length', body.length));
  return {
    num: ref.num,
    gen: ref.gen,
    body: Buffer.concat([Buffer.from(`${head}\nstream\n`, 'latin1'), body, Buffer.from('\nendstream', 'latin1')]),
  };
}

export const dictObject = (ref: PdfRef, dict: PdfDict): UpdateObject => ({
  num: ref.num,
  gen: ref.gen,
  body: serializeValue(dict),
});
