import { badRequest } from '@kyso/common';
import { isoDate, PackageFormatError } from './edxml';
import type { InboundHeader } from './inbound-result';

const FIELDS = [
  'organId',
  'organName',
  'codeNumber',
  'codeNotation',
  'promulgationDate',
  'placeName',
  'subject',
  'documentType',
  'signerFullName',
  'signerPosition',
] as const;

const invalid = (detail: string) => badRequest('INVALID_FIELD', `sender: ${detail}`, { field: 'sender' });

/**
 * For a bare PDF, the multipart field `sender`: JSON with the edXML header's facts under the names of
 * InboundHeader (organId, organName, codeNumber, codeNotation, promulgationDate...). Absent: nothing is
 * claimed, and the check says the header is incomplete.
 */
export function parseSender(field: string | undefined): InboundHeader {
  let raw: unknown = {};
  if (field !== undefined) {
    if (field.length > 16_384) throw invalid('longer than 16384 characters');
    try {
      raw = JSON.parse(field);
    } catch {
      throw invalid('not JSON');
    }
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw invalid('a JSON object is expected');
  const o = raw as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !(FIELDS as readonly string[]).includes(k));
  if (unknown.length) throw invalid(`unknown fields ${unknown.join(', ')}`);
  const header = Object.fromEntries(
    FIELDS.map((k) => {
      const v = o[k];
      if (v !== undefined && v !== null && (typeof v !== 'string' || v.length > 1000))
        throw invalid(`${k} must be text of at most 1000 characters`);
      return [k, typeof v === 'string' && v.trim() ? v.trim().normalize('NFC') : null];
    }),
  ) as unknown as InboundHeader;
  try {
    return { ...header, promulgationDate: isoDate(header.promulgationDate) };
  } catch (e) {
    if (e instanceof PackageFormatError) throw invalid(e.message);
    throw e;
  }
}
