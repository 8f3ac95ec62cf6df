import { formatLocalIsoTime } from '@kyso/pki';
import type { DocumentReport, Indication, Reason, SignatureReport } from '@kyso/pki';

export type ReportLang = 'vi' | 'en';

/** What a clerk reads first: valid, not valid, or cannot be determined (ETSI's three indications). */
export type Mark = 'valid' | 'invalid' | 'indeterminate';

/**
 * A validation report put into words for people (R26, Circular 15/2025 Appendix II): the same
 * structure drives the PDF report and the public verification page, so both say the same thing.
 */
export interface ReadableReport {
  lang: ReportLang;
  title: string;
  mark: Mark;
  markText: string;
  /** One sentence a clerk understands. */
  conclusion: string;
  /** Validation id, document digest, validation time. */
  facts: [string, string][];
  /** The heading of the reason lists. */
  reasonsLabel: string;
  /** Document-level reasons (e.g. no signature). */
  reasons: string[];
  signatures: ReadableSignature[];
}

export interface ReadableSignature {
  heading: string;
  mark: Mark;
  markText: string;
  fields: [string, string][];
  reasons: string[];
}

const T = {
  vi: {
    title: 'PHIẾU KẾT QUẢ KIỂM TRA CHỮ KÝ SỐ',
    valid: 'Hợp lệ',
    invalid: 'Không hợp lệ',
    indeterminate: 'Chưa xác định được',
    validationId: 'Mã lần kiểm tra',
    digest: 'Mã băm SHA-256 của tệp',
    validatedAt: 'Thời điểm kiểm tra',
    signature: 'Chữ ký',
    field: 'trường',
    result: 'Kết quả',
    signer: 'Người ký',
    organisation: 'Cơ quan, tổ chức',
    jobTitle: 'Chức danh',
    issuer: 'Tổ chức cấp chứng thư số',
    serial: 'Số hiệu chứng thư số',
    certValidity: 'Thời hạn chứng thư số',
    claimed: 'Thời điểm ký (người ký tự khai)',
    timestamp: 'Thời điểm theo dấu thời gian',
    judgedAt: 'Thời điểm dùng để đánh giá',
    integrity: 'Tính toàn vẹn',
    validityAtSigning: 'Hiệu lực chứng thư số tại thời điểm ký',
    revocation: 'Tình trạng thu hồi',
    changes: 'Thay đổi sau khi ký',
    unknown: 'không có thông tin',
    none: 'không có',
    from: 'từ',
    to: 'đến',
    reasons: 'Lý do',
  },
  en: {
    title: 'SIGNATURE VERIFICATION REPORT',
    valid: 'Valid',
    invalid: 'Not valid',
    indeterminate: 'Cannot be determined',
    validationId: 'Validation id',
    digest: 'SHA-256 of the file',
    validatedAt: 'Validated at',
    signature: 'Signature',
    field: 'field',
    result: 'Result',
    signer: 'Signer',
    organisation: 'Organisation',
    jobTitle: 'Title',
    issuer: 'Issuing CA',
    serial: 'Certificate serial',
    certValidity: 'Certificate validity',
    claimed: 'Signing time (claimed by the signer)',
    timestamp: 'Timestamp time',
    judgedAt: 'Time the signature was judged at',
    integrity: 'Integrity',
    validityAtSigning: 'Certificate validity at signing time',
    revocation: 'Revocation status',
    changes: 'Changes after signing',
    unknown: 'not known',
    none: 'none',
    from: 'from',
    to: 'to',
    reasons: 'Reasons',
  },
} as const;

const markOf = (i: Indication): Mark =>
  i === 'TOTAL-PASSED' ? 'valid' : i === 'TOTAL-FAILED' ? 'invalid' : 'indeterminate';

/** Times for people in Vietnam: local time with its offset (+07:00), in both languages. */
const time = (iso: string | null, lang: ReportLang): string =>
  iso ? formatLocalIsoTime(new Date(iso)) : T[lang].unknown;

const reasonText = (r: Reason, lang: ReportLang): string => (lang === 'vi' ? r.messageVi : r.message);

/** The common name of a distinguished name, else the whole name. */
function commonName(dn: string | null): string | null {
  if (!dn) return null;
  const cn = /(?:^|,\s*)CN=((?:\\,|[^,])+)/.exec(dn);
  return cn ? cn[1].replace(/\\,/g, ',') : dn;
}

function conclusion(report: DocumentReport, lang: ReportLang): string {
  const n = report.signatureCount;
  const vi = lang === 'vi';
  if (n === 0) return vi ? 'Văn bản không có chữ ký số nào.' : 'The document has no digital signature.';
  switch (report.conclusion) {
    case 'TOTAL-PASSED':
      return vi
        ? `Văn bản có ${n} chữ ký số, tất cả đều hợp lệ và nội dung không bị thay đổi sau khi ký.`
        : `The document has ${n} digital signature${n > 1 ? 's' : ''}; all are valid and the content was not changed after signing.`;
    case 'TOTAL-FAILED':
      return vi
        ? 'Văn bản KHÔNG hợp lệ: có chữ ký số không hợp lệ (xem lý do của từng chữ ký bên dưới).'
        : 'The document is NOT valid: a signature is invalid (see the reasons under each signature).';
    default:
      return vi
        ? 'Chưa xác định được văn bản có hợp lệ hay không (xem lý do của từng chữ ký bên dưới).'
        : 'Whether the document is valid cannot be determined (see the reasons under each signature).';
  }
}

function integrity(s: SignatureReport, lang: ReportLang): string {
  const vi = lang === 'vi';
  if (s.subIndication === 'HASH_FAILURE' || s.subIndication === 'SIG_CRYPTO_FAILURE')
    return vi
      ? 'Không toàn vẹn: nội dung được ký đã bị thay đổi hoặc chữ ký bị hỏng.'
      : 'Broken: the signed content was altered or the signature is damaged.';
  if (s.subIndication === 'FORMAT_FAILURE')
    return vi ? 'Không kiểm tra được: chữ ký sai định dạng.' : 'Not checked: the signature is malformed.';
  return vi ? 'Toàn vẹn: nội dung được ký không bị thay đổi.' : 'Intact: the signed content has not been altered.';
}

function validityAtSigning(s: SignatureReport, lang: ReportLang): string {
  const vi = lang === 'vi';
  const cert = s.chain[0];
  if (!cert) return vi ? 'Không tìm thấy chứng thư số của người ký.' : "The signer's certificate was not found.";
  const at = Date.parse(s.signingTime.judgedAt);
  const revoked = s.subIndication === 'REVOKED' || s.subIndication === 'REVOKED_NO_POE';
  if (revoked) return vi ? 'Chứng thư số đã bị thu hồi.' : 'The certificate was revoked.';
  if (at < Date.parse(cert.notBefore))
    return vi
      ? 'Chứng thư số chưa có hiệu lực tại thời điểm ký.'
      : 'The certificate was not yet valid at signing time.';
  if (at > Date.parse(cert.notAfter))
    return vi ? 'Chứng thư số đã hết hạn tại thời điểm ký.' : 'The certificate had expired at signing time.';
  // "not revoked" only where revocation was checked; a policy may pass a signature without it
  if (s.indication === 'TOTAL-PASSED' && s.revocation.checked)
    return vi
      ? 'Chứng thư số còn hiệu lực, không bị thu hồi và dẫn về chứng thư số gốc tin cậy tại thời điểm ký.'
      : 'The certificate was valid, not revoked and chained to a trusted root at signing time.';
  if (s.indication === 'TOTAL-PASSED')
    return vi
      ? 'Chứng thư số còn hiệu lực và dẫn về chứng thư số gốc tin cậy tại thời điểm ký (tình trạng thu hồi: xem bên dưới).'
      : 'The certificate was valid and chained to a trusted root at signing time (revocation: see below).';
  return vi
    ? 'Chứng thư số trong thời hạn tại thời điểm ký; xem lý do bên dưới.'
    : 'The certificate was within its validity period at signing time; see the reasons below.';
}

function revocation(s: SignatureReport, lang: ReportLang): string {
  const vi = lang === 'vi';
  const r = s.revocation;
  if (!r.checked)
    return vi
      ? 'Chưa kiểm tra được (không có CRL/OCSP dùng được).'
      : 'Could not be checked (no usable CRL or OCSP answer).';
  const source = r.source === 'ocsp' ? 'OCSP' : r.source === 'crl' ? 'CRL' : '';
  const when = r.producedAt ?? r.fetchedAt;
  return vi
    ? `Đã kiểm tra qua ${source}: không bị thu hồi${when ? ` (thông tin lúc ${time(when, lang)})` : ''}.`
    : `Checked with ${source}: not revoked${when ? ` (answer of ${time(when, lang)})` : ''}.`;
}

function changes(s: SignatureReport, lang: ReportLang): string {
  const vi = lang === 'vi';
  const m = s.modifications;
  if (!m.changedAfterSigning) return vi ? 'Không có.' : 'None.';
  const what = m.description.length ? `: ${m.description.join('; ')}` : '';
  if (m.allowed === true) return (vi ? 'Có, thuộc loại được phép' : 'Yes, of an allowed kind') + `${what}.`;
  if (m.allowed === false) return (vi ? 'Có, KHÔNG được phép' : 'Yes, NOT allowed') + `${what}.`;
  return (vi ? 'Có nội dung được thêm sau khi ký' : 'Content was added after signing') + `${what}.`;
}

function signature(s: SignatureReport, index: number, lang: ReportLang): ReadableSignature {
  const t = T[lang];
  const mark = markOf(s.indication);
  const signatureTimestamp = s.timestamps.find((ts) => ts.type === 'signature')?.genTime ?? null;
  const cert = s.chain[0];
  const fields: [string, string][] = [
    [t.result, t[mark] + (s.subIndication ? ` (${s.indication} / ${s.subIndication})` : ` (${s.indication})`)],
    [t.signer, s.signer.name ?? t.unknown],
    [t.organisation, s.signer.organisation ?? t.unknown],
    [t.jobTitle, s.signer.title ?? t.unknown],
    [t.issuer, commonName(s.signer.issuer) ?? t.unknown],
    [t.serial, s.signer.certificateSerial ?? t.unknown],
    [t.certValidity, cert ? `${t.from} ${time(cert.notBefore, lang)} ${t.to} ${time(cert.notAfter, lang)}` : t.unknown],
    [t.claimed, time(s.signingTime.claimed, lang)],
    [t.timestamp, signatureTimestamp ? time(signatureTimestamp, lang) : t.none],
    [t.judgedAt, time(s.signingTime.judgedAt, lang)],
    [t.integrity, integrity(s, lang)],
    [t.validityAtSigning, validityAtSigning(s, lang)],
    [t.revocation, revocation(s, lang)],
    [t.changes, changes(s, lang)],
  ];
  return {
    heading: `${t.signature} ${index + 1}${s.fieldName ? ` (${t.field} ${s.fieldName})` : ''}`,
    mark,
    markText: t[mark],
    fields,
    reasons: s.reasons.map((r) => reasonText(r, lang)),
  };
}

/** The report in words, in Vietnamese or English. Pure: the same report gives the same text. */
export function readableReport(report: DocumentReport, lang: ReportLang, validationId: string): ReadableReport {
  const t = T[lang];
  const mark = markOf(report.conclusion);
  return {
    lang,
    title: t.title,
    mark,
    markText: t[mark],
    conclusion: conclusion(report, lang),
    facts: [
      [t.validationId, validationId],
      [t.digest, report.documentSha256.toUpperCase()],
      [t.validatedAt, time(report.validationTime, lang)],
    ],
    reasonsLabel: t.reasons,
    reasons: report.reasons.map((r) => reasonText(r, lang)),
    signatures: report.signatures.map((s, i) => signature(s, i, lang)),
  };
}
