import * as asn1js from 'asn1js';
import { PkiFormatError } from '../errors';
import { TAG } from './der';
import { der } from './der-write';
import { toArrayBuffer } from './pem';

/**
 * The BER reader, for CMS (RFC 5652 allows BER: indefinite lengths, constructed OCTET STRINGs, as
 * NSS-based signers such as poppler's pdfsig write them). It is asn1js's reader (the field's
 * maintained library, style rule 20) presented as a plain tree that keeps the original bytes of
 * every element: embedded certificates are handed on as received and read strictly as DER there.
 */
export interface BerElement {
  /** The first identifier octet, as Tlv.tag (low tag numbers only). */
  tag: number;
  /** The element's original encoding, as received. */
  bytes: Uint8Array;
  /** Elements inside a constructed encoding (end-of-contents octets excluded). */
  children: BerElement[];
  /** Primitive contents; for a constructed string, its segments joined (X.690 8.7.3). */
  content: Uint8Array;
}

/** Budget: nesting depth of a CMS we follow (ContentInfo down into a certificate extension is ~12). */
export const MAX_BER_DEPTH = 48;

const CONSTRUCTED = 0x20;

function fromAsn1js(block: asn1js.AsnType, depth: number, code: string): BerElement {
  if (depth > MAX_BER_DEPTH) throw new PkiFormatError(code, 'BER nesting too deep');
  const { tagClass, tagNumber, isConstructed } = block.idBlock;
  if (tagNumber >= 31) throw new PkiFormatError(code, 'Multi-byte tags are not supported');
  const tag = ((tagClass - 1) << 6) | (isConstructed ? CONSTRUCTED : 0) | tagNumber;
  const bytes = block.valueBeforeDecodeView;
  if (!isConstructed) {
    const length = block.lenBlock.length;
    return { tag, bytes, children: [], content: bytes.subarray(bytes.length - length) };
  }
  const inner = (block.valueBlock as unknown as { value?: asn1js.AsnType[] }).value ?? [];
  const kids = inner.filter((b) => !(b instanceof asn1js.EndOfContent)).map((b) => fromAsn1js(b, depth + 1, code));
  // A constructed string (universal, not SEQUENCE/SET): the value is its primitive segments joined.
  const isString = tagClass === 1 && tagNumber !== 16 && tagNumber !== 17;
  if (isString && kids.some((k) => k.tag & CONSTRUCTED)) throw new PkiFormatError(code, 'Nested constructed string');
  const content = isString ? new Uint8Array(Buffer.concat(kids.map((k) => k.content))) : new Uint8Array();
  return { tag, bytes, children: kids, content };
}

/**
 * Reads one BER element at the start of `input`; what follows it is the caller's (a PDF
 * /Contents is zero-padded). Throws PkiFormatError(`code`) for anything asn1js cannot read.
 */
export function readBer(input: Uint8Array, code: string): BerElement {
  let parsed: ReturnType<typeof asn1js.fromBER>;
  try {
    parsed = asn1js.fromBER(toArrayBuffer(input));
  } catch (e) {
    // asn1js can throw (RangeError) on some truncated or deeply nested input
    throw new PkiFormatError(code, `Not BER: ${(e as Error).message}`);
  }
  if (parsed.offset === -1) throw new PkiFormatError(code, `Not BER: ${parsed.result.error}`);
  return fromAsn1js(parsed.result, 0, code);
}

/** Universal string types whose constructed form DER replaces by the primitive one (X.690 10.2). */
const isConstructedString = (tag: number) =>
  (tag & 0xc0) === 0 && (tag & CONSTRUCTED) !== 0 && tag !== TAG.SEQUENCE && tag !== TAG.SET;

/**
 * The DER encoding of a BER element (X.690 10-11): definite lengths, strings primitive, and the
 * elements of every SET sorted by their encodings (11.6, which for distinct tags is also the
 * tag order 10.3 asks of a SET). `asTag` re-tags the outer element (an IMPLICIT [0] SET OF read
 * back as SET OF, RFC 5652 5.4). Primitive contents are kept as received.
 */
export function toDer(el: BerElement, asTag: number = el.tag): Uint8Array {
  if (isConstructedString(el.tag)) return der(asTag & ~CONSTRUCTED, el.content);
  if (!(el.tag & CONSTRUCTED)) return der(asTag, el.content);
  const inner = el.children.map((c) => toDer(c));
  if (asTag === TAG.SET) inner.sort((a, b) => Buffer.compare(a, b));
  return der(asTag, ...inner);
}
