import { createHash, randomBytes } from 'node:crypto';
import { PkiFormatError } from '../errors';
import { guard, readIntegerHex, readOid, topLevel } from '../asn1';
import { DIGESTS, OID_SHA256 } from '../x509/algorithms';
import { boolean, children, integer, octetString, oid, seq, TAG, Tlv, tlvValue } from '../asn1';
import { MAX_TSP_REQUEST_BYTES } from '../budgets';

export const TSP_OID = {
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
} as const;

export interface MessageImprint {
  hashAlgorithm: string; // OID
  hashedMessage: Uint8Array;
}

export interface TimeStampRequestOptions {
  /** The hash of the data to timestamp (e.g. of a CMS signature value), or the data itself. */
  imprint?: Uint8Array;
  data?: Uint8Array;
  hashAlgorithm?: string; // OID, default SHA-256
  /** true (default): a random 64-bit nonce; false: none; a bigint: this nonce. */
  nonce?: boolean | bigint;
  certReq?: boolean; // default true: the TSA embeds its certificate
  policy?: string;
}

export interface TimeStampRequest {
  der: Uint8Array;
  messageImprint: MessageImprint;
  nonce?: bigint;
  certReq: boolean;
  policy?: string;
}

export function encodeMessageImprint(m: MessageImprint): Uint8Array {
  return seq(seq(oid(m.hashAlgorithm)), octetString(m.hashedMessage));
}

export function readMessageImprint(b: Uint8Array, t: Tlv | undefined, code: string): MessageImprint {
  if (!t || t.tag !== TAG.SEQUENCE) throw new PkiFormatError(code, 'Bad MessageImprint');
  const [alg, hashed] = children(b, t);
  if (!alg || alg.tag !== TAG.SEQUENCE || hashed?.tag !== TAG.OCTET_STRING)
    throw new PkiFormatError(code, 'Bad MessageImprint');
  return { hashAlgorithm: readOid(b, children(b, alg)[0], code), hashedMessage: tlvValue(b, hashed) };
}

/** RFC 3161 2.4.1 TimeStampReq. */
export function buildTimeStampRequest(opts: TimeStampRequestOptions): TimeStampRequest {
  const hashAlgorithm = opts.hashAlgorithm ?? OID_SHA256;
  const digest = DIGESTS[hashAlgorithm];
  if (!digest) throw new PkiFormatError('TSP_HASH_UNSUPPORTED', `Unsupported hash algorithm ${hashAlgorithm}`);
  const hashedMessage =
    opts.imprint ?? (opts.data ? new Uint8Array(createHash(digest.node).update(opts.data).digest()) : undefined);
  if (!hashedMessage) throw new PkiFormatError('TSP_NO_IMPRINT', 'Give the imprint or the data');
  const nonce =
    opts.nonce === false
      ? undefined
      : typeof opts.nonce === 'bigint'
        ? opts.nonce
        : BigInt(`0x${randomBytes(8).toString('hex')}`);
  const certReq = opts.certReq ?? true;
  const messageImprint = { hashAlgorithm, hashedMessage };
  const der = seq(
    integer(1),
    encodeMessageImprint(messageImprint),
    ...(opts.policy ? [oid(opts.policy)] : []),
    ...(nonce !== undefined ? [integer(nonce)] : []),
    ...(certReq ? [boolean(true)] : []),
  );
  return { der, messageImprint, nonce, certReq, policy: opts.policy };
}

/** Reads a TimeStampReq (what a TSA receives). Throws PkiFormatError TSP_REQUEST_*. */
export function parseTimeStampRequest(input: Uint8Array): TimeStampRequest {
  const code = 'TSP_REQUEST_MALFORMED';
  return guard(code, () => {
    const top = topLevel(input, 'TSP_REQUEST', MAX_TSP_REQUEST_BYTES);
    const items = children(input, top);
    if (readIntegerHex(input, items[0], code) !== '01')
      throw new PkiFormatError(code, 'Unsupported TimeStampReq version');
    const messageImprint = readMessageImprint(input, items[1], code);
    const out: TimeStampRequest = { der: input, messageImprint, certReq: false };
    for (const t of items.slice(2)) {
      if (t.tag === TAG.OID) out.policy = readOid(input, t, code);
      else if (t.tag === TAG.INTEGER) out.nonce = BigInt(`0x${readIntegerHex(input, t, code)}`);
      else if (t.tag === TAG.BOOLEAN) out.certReq = tlvValue(input, t)[0] !== 0;
    }
    return out;
  });
}
