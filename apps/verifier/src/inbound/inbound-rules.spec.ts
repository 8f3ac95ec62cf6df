import type { DocumentReport, SignatureReport } from '@kyso/pki';
import { holderKind } from './holder-kind';
import type { InboundHeader } from './inbound-result';
import { judgeInbound } from './inbound-rules';

const signer = (name: string, extra: Partial<SignatureReport['signer']> = {}): SignatureReport['signer'] => ({
  name,
  organisation: 'UBND tỉnh Thừa Thiên Huế',
  title: null,
  email: null,
  certificateSerial: '01',
  issuer: 'CN=CA',
  ...extra,
});
const official = signer('Nguyễn Văn An', { email: 'nvan@thuathienhue.gov.vn', title: 'Giám đốc' });
const agency = signer('SỞ Y TẾ');
const signature = (s: SignatureReport['signer']): SignatureReport =>
  ({
    indication: 'TOTAL-PASSED',
    subIndication: null,
    signer: s,
    chain: [{ subject: `CN=${s.name}` }],
    reasons: [],
  }) as unknown as SignatureReport;
const report = (...s: SignatureReport['signer'][]): DocumentReport =>
  ({ conclusion: 'TOTAL-PASSED', signatures: s.map(signature), reasons: [] }) as unknown as DocumentReport;

const header: InboundHeader = {
  organId: '000.00.12.H57',
  organName: 'Sở Y tế',
  codeNumber: '7',
  codeNotation: 'QĐ-SYT',
  promulgationDate: '2026-02-05',
  placeName: null,
  subject: null,
  documentType: null,
  signerFullName: 'Nguyễn Văn An',
  signerPosition: null,
};
const page = 'SỞ Y TẾSố: 7/QĐ-SYTHuế, ngày 05 tháng 02 năm 2026';
const codes = (h: InboundHeader, ...a: Parameters<typeof judgeInbound>[1]) => judgeInbound(h, a).map((r) => r.code);

describe('inbound rules', () => {
  it('tells a person’s certificate from an organisation’s by its subject (R4)', () => {
    expect(holderKind(official)).toBe('person');
    expect(holderKind(signer('Trần Thị Bình'))).toBe('person');
    expect(holderKind(agency)).toBe('organisation');
    expect(holderKind(signer('SỞ Y TẾ', { email: 'vanthu@syt.gov.vn' }))).toBe('person');
  });

  it('accepts the official then the agency, the date written with or without leading zeros', () => {
    expect(codes(header, { name: 'qd.pdf', report: report(official, agency), firstPageText: page })).toEqual([]);
    const unpadded = page.replace('ngày 05 tháng 02', 'ngày 5 tháng 2');
    expect(codes(header, { name: 'qd.pdf', report: report(official, agency), firstPageText: unpadded })).toEqual([]);
    const slashes = page.replace('ngày 05 tháng 02 năm 2026', '05/02/2026');
    expect(codes(header, { name: 'qd.pdf', report: report(official, agency), firstPageText: slashes })).toEqual([]);
  });

  it('refuses the agency signing before the official, a non-PDF attachment, an appendix without the agency', () => {
    expect(
      codes(
        header,
        { name: 'qd.pdf', report: report(agency, official), firstPageText: page },
        { name: 'bang.docx', report: null, firstPageText: '' },
        { name: 'phu-luc.pdf', report: report(official), firstPageText: '' },
      ),
    ).toEqual(['ORGANISATION_SIGNED_FIRST', 'ATTACHMENT_NOT_PDF', 'ORGANISATION_SIGNATURE_MISSING']);
  });

  it('compares the agency code only when the organisation certificate carries one', () => {
    const coded: DocumentReport = report(official, agency);
    (coded.signatures[1].chain[0] as { subject: string }).subject = 'CN=SỞ Y TẾ,OU=000.00.99.H57';
    expect(codes(header, { name: 'qd.pdf', report: coded, firstPageText: page })).toEqual([
      'HEADER_AGENCY_CODE_MISMATCH',
    ]);
  });

  it('names what the header lacks, and a package without documents', () => {
    expect(codes({ ...header, codeNumber: null, organId: null })).toEqual(['HEADER_INCOMPLETE', 'NO_DOCUMENT']);
    expect(judgeInbound({ ...header, codeNumber: null, organId: null }, [])[0].vi).toBe(
      'Gói tin thiếu thông tin bắt buộc: From/OrganId, Code/CodeNumber.',
    );
  });
});
