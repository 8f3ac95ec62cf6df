import { PkiFormatError } from '../errors';
import { children, guard, readIntegerHex, readOid, TAG, Tlv, tlvBytes, tlvValue, topLevel } from '../asn1';
import { MAX_TSP_RESPONSE_BYTES } from '../budgets';
import { MessageImprint, readMessageImprint } from './request';

/** RFC 3161 2.4.2 TSTInfo, as signed by the TSA. */
export interface TstInfo {
  der: Uint8Array;
  policy: string;
  messageImprint: MessageImprint;
  serialNumber: string; // hex
  genTime: Date; // milliseconds kept when the TSA gives them
  accuracyMs?: number;
  ordering: boolean;
  nonce?: bigint;
}

export const PKI_STATUS = [
  'granted',
  'grantedWithMods',
  'rejection',
  'waiting',
  'revocationWarning',
  'revocationNotification',
] as const;
export type PkiStatus = (typeof PKI_STATUS)[number];
/** PKIFailureInfo bits (RFC 3161 2.4.2). */
const FAILURE_BITS: Record<number, string> = {
  0: 'badAlg',
  2: 'badRequest',
  5: 'badDataFormat',
  14: 'timeNotAvailable',
  15: 'unacceptedPolicy',
  16: 'unacceptedExtension',
  17: 'addInfoNotAvailable',
  25: 'systemFailure',
};
export const PKI_FAILURE_BIT = Object.fromEntries(
  Object.entries(FAILURE_BITS).map(([bit, name]) => [name, Number(bit)]),
) as Record<string, number>;

export interface ParsedTimeStampResponse {
  der: Uint8Array;
  status: PkiStatus;
  statusStrings: string[];
  failInfo: string[];
  /** The TimeStampToken (ContentInfo DER) when granted. */
  token?: Uint8Array;
}

const GEN_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{1,9}))?Z$/;

/** GeneralizedTime with optional fraction (RFC 3161 2.4.2 allows it, without trailing zeros). */
function readGenTime(b: Uint8Array, t: Tlv | undefined, code: string): Date {
  if (!t || t.tag !== TAG.GENERALIZED_TIME) throw new PkiFormatError(code, 'genTime is not a GeneralizedTime');
  const m = GEN_TIME.exec(Buffer.from(tlvValue(b, t)).toString('latin1'));
  if (!m) throw new PkiFormatError(code, 'Bad genTime');
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], ms));
  if (Number.isNaN(d.getTime())) throw new PkiFormatError(code, 'Bad genTime');
  return d;
}

const smallInt = (b: Uint8Array, t: Tlv) => tlvValue(b, t).reduce((n, x) => n * 256 + x, 0);

/** Parses a TSTInfo (the eContent of a timestamp token). Throws PkiFormatError TSP_TST_INFO_MALFORMED. */
export function parseTstInfo(input: Uint8Array): TstInfo {
  const code = 'TSP_TST_INFO_MALFORMED';
  return guard(code, () => {
    const top = topLevel(input, 'TSP_TST_INFO', MAX_TSP_RESPONSE_BYTES);
    const items = children(input, top);
    if (readIntegerHex(input, items[0], code) !== '01') throw new PkiFormatError(code, 'Unsupported TSTInfo version');
    const out: TstInfo = {
      der: input,
      policy: readOid(input, items[1], code),
      messageImprint: readMessageImprint(input, items[2], code),
      serialNumber: readIntegerHex(input, items[3], code),
      genTime: readGenTime(input, items[4], code),
      ordering: false,
    };
    for (const t of items.slice(5)) {
      if (t.tag === TAG.SEQUENCE) {
        // Accuracy ::= SEQUENCE { seconds INTEGER OPTIONAL, millis [0] OPTIONAL, micros [1] OPTIONAL }
        let ms = 0;
        for (const a of children(input, t)) {
          if (a.tag === TAG.INTEGER) ms += smallInt(input, a) * 1000;
          else if (a.tag === TAG.context(0, false)) ms += smallInt(input, a);
          else if (a.tag === TAG.context(1, false)) ms += smallInt(input, a) / 1000;
        }
        out.accuracyMs = ms;
      } else if (t.tag === TAG.BOOLEAN) out.ordering = tlvValue(input, t)[0] !== 0;
      else if (t.tag === TAG.INTEGER) out.nonce = BigInt(`0x${readIntegerHex(input, t, code)}`);
    }
    return out;
  });
}

/** Parses a TimeStampResp (RFC 3161 2.4.2). Throws PkiFormatError TSP_RESPONSE_*. */
export function parseTimeStampResponse(input: Uint8Array): ParsedTimeStampResponse {
  const code = 'TSP_RESPONSE_MALFORMED';
  return guard(code, () => {
    const top = topLevel(input, 'TSP_RESPONSE', MAX_TSP_RESPONSE_BYTES);
    const [statusInfo, tokenT] = children(input, top);
    if (!statusInfo || statusInfo.tag !== TAG.SEQUENCE) throw new PkiFormatError(code, 'Bad PKIStatusInfo');
    const [statusT, ...rest] = children(input, statusInfo);
    if (!statusT || statusT.tag !== TAG.INTEGER || statusT.end - statusT.valueStart !== 1)
      throw new PkiFormatError(code, 'Bad PKIStatus');
    const status = PKI_STATUS[input[statusT.valueStart]];
    if (!status) throw new PkiFormatError(code, 'Unknown PKIStatus');
    const out: ParsedTimeStampResponse = { der: input, status, statusStrings: [], failInfo: [] };
    for (const t of rest) {
      if (t.tag === TAG.SEQUENCE)
        out.statusStrings = children(input, t).map((s) => Buffer.from(tlvValue(input, s)).toString('utf8'));
      else if (t.tag === TAG.BIT_STRING) {
        const bits = tlvValue(input, t).subarray(1);
        for (const [bit, name] of Object.entries(FAILURE_BITS))
          if ((bits[Number(bit) >> 3] ?? 0) & (0x80 >> (Number(bit) & 7))) out.failInfo.push(name);
      }
    }
    if (tokenT) {
      if (tokenT.tag !== TAG.SEQUENCE) throw new PkiFormatError(code, 'Bad TimeStampToken');
      out.token = tlvBytes(input, tokenT);
    }
    if ((status === 'granted' || status === 'grantedWithMods') && !out.token)
      throw new PkiFormatError(code, 'Granted without a token');
    return out;
  });
}
