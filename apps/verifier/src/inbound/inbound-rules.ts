import type { DocumentReport, SignatureReport } from '@kyso/pki';
import { holderKind, sameName, squash } from './holder-kind';
import type { InboundHeader, InboundReason } from './inbound-result';
import { reason } from './reasons';

/** One attached file with what was found in it (the report and its first page's text for PDFs). */
export interface CheckedAttachment {
  name: string;
  report: DocumentReport | null;
  firstPageText: string;
}

/** A national agency code (QCVN 102:2016), e.g. 000.00.12.H53: found in a subject, it must equal OrganId. */
const AGENCY_CODE = /\b\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}\b/;

const valid = (s: SignatureReport) => s.indication === 'TOTAL-PASSED';
const signerName = (s: SignatureReport) => s.signer.name ?? s.signer.certificateSerial ?? '?';

/**
 * The regulation's checks of an inbound package (Art 31, R17, R27), as facts in and reasons out:
 * every attachment is a PDF whose signatures are all valid and which carries the issuing
 * organisation's signature; the main document (the first attachment) also carries the competent
 * official's, made before the organisation's; and the header agrees with the signatures and with
 * the main document's first page. No reason: accepted.
 */
export function judgeInbound(header: InboundHeader, attachments: CheckedAttachment[]): InboundReason[] {
  const reasons: InboundReason[] = [...missingHeaderFields(header)];
  if (!attachments.length) return [...reasons, reason('NO_DOCUMENT')];
  attachments.forEach((a, i) => reasons.push(...checkAttachment(a, i === 0)));
  const main = attachments[0];
  if (main.report) reasons.push(...checkHeader(header, main.name, main.report, main.firstPageText));
  return reasons;
}

function missingHeaderFields(h: InboundHeader): InboundReason[] {
  const fields = (
    [
      ['organId', 'From/OrganId'],
      ['organName', 'From/OrganName'],
      ['codeNumber', 'Code/CodeNumber'],
      ['codeNotation', 'Code/CodeNotation'],
      ['promulgationDate', 'PromulgationInfo/PromulgationDate'],
    ] as const
  )
    .filter(([key]) => !h[key])
    .map(([, label]) => label);
  return fields.length ? [reason('HEADER_INCOMPLETE', { fields: fields.join(', ') })] : [];
}

function checkAttachment(a: CheckedAttachment, isMain: boolean): InboundReason[] {
  const name = a.name;
  if (!a.report) return [reason('ATTACHMENT_NOT_PDF', { name }, name)];
  const out: InboundReason[] = [];
  for (const s of a.report.signatures) {
    if (valid(s)) continue;
    const first = s.reasons[0];
    const values = {
      name,
      signer: signerName(s),
      detail: first?.message ?? s.subIndication ?? s.indication,
      detailVi: first?.messageVi ?? s.subIndication ?? s.indication,
    };
    out.push(reason(s.indication === 'TOTAL-FAILED' ? 'SIGNATURE_INVALID' : 'SIGNATURE_INDETERMINATE', values, name));
  }
  const kinds = a.report.signatures.map((s) => (valid(s) ? holderKind(s.signer) : null));
  const firstPerson = kinds.indexOf('person');
  const firstOrganisation = kinds.indexOf('organisation');
  if (isMain && firstPerson < 0) out.push(reason('PERSONAL_SIGNATURE_MISSING', { name }, name));
  if (firstOrganisation < 0) out.push(reason('ORGANISATION_SIGNATURE_MISSING', { name }, name));
  // R17: the clerk adds the organisation's signature to a document the competent person already signed.
  if (isMain && firstPerson >= 0 && firstOrganisation >= 0 && firstOrganisation < firstPerson)
    out.push(reason('ORGANISATION_SIGNED_FIRST', { name }, name));
  return out;
}

function checkHeader(h: InboundHeader, name: string, report: DocumentReport, pageText: string): InboundReason[] {
  const out: InboundReason[] = [];
  const validSignatures = report.signatures.filter(valid);
  const organisations = validSignatures.filter((s) => holderKind(s.signer) === 'organisation');
  if (h.organName && organisations.length) {
    // The agency is the organisation certificate's CN (or its O/OU, for profiles that put it there).
    const names = organisations.flatMap((s) => [s.signer.name, ...(s.signer.organisation ?? '').split(', ')]);
    if (!names.some((n) => n && sameName(n, h.organName!)))
      out.push(reason('HEADER_AGENCY_MISMATCH', { claimed: h.organName, found: organisations[0].signer.name ?? '' }));
  }
  if (h.organId) {
    const codes = organisations.flatMap((s) => s.chain[0]?.subject.match(AGENCY_CODE) ?? []);
    if (codes.length && !codes.includes(h.organId))
      out.push(reason('HEADER_AGENCY_CODE_MISMATCH', { claimed: h.organId, found: codes[0] }));
  }
  const page = compact(pageText);
  if (h.codeNumber && h.codeNotation) {
    const claimed = `${h.codeNumber}/${h.codeNotation}`;
    if (!page.includes(compact(claimed))) out.push(reason('HEADER_NUMBER_MISMATCH', { claimed, name }, name));
  }
  if (h.promulgationDate && !datesOnPage(h.promulgationDate).some((d) => page.includes(d)))
    out.push(reason('HEADER_DATE_MISMATCH', { claimed: viDate(h.promulgationDate), name }, name));
  if (h.signerFullName) {
    const people = validSignatures.filter((s) => holderKind(s.signer) === 'person');
    if (people.length && !people.some((s) => s.signer.name && sameName(s.signer.name, h.signerFullName!)))
      out.push(reason('HEADER_SIGNER_MISMATCH', { claimed: h.signerFullName, name }, name));
  }
  return out;
}

/** Text compared without whitespace or case (producers space and split words their own way). */
const compact = (s: string) => squash(s).replace(/\s+/g, '');

/**
 * How a document writes its date (Decree 30/2020: "ngày 05 tháng 02 năm 2026", days below 10 and
 * months below 3 with a leading zero; other producers omit it) or as dd/mm/yyyy, compacted.
 */
function datesOnPage(iso: string): string[] {
  const [y, m, d] = iso.split('-');
  const days = [...new Set([d, String(Number(d))])];
  const months = [...new Set([m, String(Number(m))])];
  return days.flatMap((dd) => months.flatMap((mm) => [`ngày${dd}tháng${mm}năm${y}`, `${dd}/${mm}/${y}`]));
}

export const viDate = (iso: string): string => iso.split('-').reverse().join('/');
