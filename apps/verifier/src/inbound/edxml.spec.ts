import { edxmlFixture, edxmlPackage } from '../../test/edxml-package';
import { EDXML_LIMITS, looksLikeXml, PackageFormatError, parseEdxml, strictBase64 } from './edxml';

const pdfBytes = Buffer.from('%PDF-1.7\n% stand-in bytes: the parser does not read the attachment\n');

function refusal(bytes: Buffer): string {
  try {
    parseEdxml(bytes);
  } catch (e) {
    if (e instanceof PackageFormatError) return e.reason;
    throw e;
  }
  throw new Error('accepted');
}

describe('parseEdxml', () => {
  it('reads the header and the base64 attachments of a package, namespace prefixes and entities of XML itself included', () => {
    const p = parseEdxml(
      edxmlPackage([
        { name: 'qd-123.pdf', bytes: pdfBytes },
        { name: 'phu-luc.pdf', bytes: Buffer.from('second') },
      ]),
    );
    expect(p.header).toEqual({
      organId: '000.00.12.H57',
      organName: 'Sở Y tế',
      codeNumber: '123',
      codeNotation: 'QĐ-SYT',
      promulgationDate: '2026-11-30',
      placeName: 'Huế',
      subject: 'Ban hành quy trình tiếp nhận văn bản điện tử & kiểm tra chữ ký số',
      documentType: 'Quyết định',
      signerFullName: 'Nguyễn Văn An',
      signerPosition: 'Giám đốc',
    });
    expect(p.attachments.map((a) => [a.name, a.contentType, Buffer.from(a.bytes).toString()])).toEqual([
      ['qd-123.pdf', 'application/pdf', pdfBytes.toString()],
      ['phu-luc.pdf', 'application/pdf', 'second'],
    ]);
  });

  it('keeps codes as written (leading zeros) and reads DD/MM/YYYY dates', () => {
    const p = parseEdxml(
      edxmlPackage(
        [],
        [
          ['<edXML:CodeNumber>123', '<edXML:CodeNumber>007'],
          ['2026-11-30', '5/2/2026'],
        ],
      ),
    );
    expect(p.header).toMatchObject({ codeNumber: '007', promulgationDate: '2026-02-05' });
    expect(p.attachments).toEqual([]);
  });

  it('refuses external entities (XXE) and entity expansion before parsing: DTD_FORBIDDEN', () => {
    expect(refusal(edxmlFixture('xxe.xml'))).toBe('DTD_FORBIDDEN');
    expect(refusal(edxmlFixture('entity-expansion.xml'))).toBe('DTD_FORBIDDEN');
  });

  it('refuses what is not well-formed, not UTF-8, not edXML, or nested too deep', () => {
    expect(refusal(Buffer.from('<edXMLEnvelope><edXMLHeader></edXMLEnvelope>'))).toBe('XML_MALFORMED');
    expect(refusal(Buffer.from('<?xml version="1.0" encoding="windows-1258"?><a/>'))).toBe('NOT_UTF8');
    expect(refusal(Buffer.from([0x3c, 0x61, 0x3e, 0xff, 0xfe, 0x3c, 0x2f, 0x61, 0x3e]))).toBe('NOT_UTF8');
    expect(refusal(Buffer.from('<Envelope><Header/></Envelope>'))).toBe('NOT_EDXML');
    expect(refusal(Buffer.from('<edXMLEnvelope><edXMLBody/></edXMLEnvelope>'))).toBe('NOT_EDXML');
    const depth = EDXML_LIMITS.MAX_DEPTH + 1;
    const deep = `<edXMLEnvelope>${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}</edXMLEnvelope>`;
    expect(refusal(Buffer.from(deep))).toBe('TOO_DEEP');
  });

  it('refuses too many attachments, overlong or structured header values, impossible dates', () => {
    const many = Array.from({ length: EDXML_LIMITS.MAX_ATTACHMENTS + 1 }, (_, i) => ({
      name: `${i}.pdf`,
      bytes: pdfBytes,
    }));
    expect(refusal(edxmlPackage(many))).toBe('TOO_MANY_ATTACHMENTS');
    const long = 'A'.repeat(EDXML_LIMITS.MAX_FIELD_CHARS + 1);
    expect(refusal(edxmlPackage([], [['Sở Y tế', long]]))).toBe('INVALID_FIELD');
    expect(refusal(edxmlPackage([], [['Sở Y tế', '<x>Sở</x>']]))).toBe('INVALID_FIELD');
    expect(refusal(edxmlPackage([], [['2026-11-30', '2026-02-30']]))).toBe('INVALID_FIELD');
  });

  it('refuses base64 that is not canonical: stray characters, bad padding, non-zero padding bits, none at all', () => {
    const withContent = (c: string) =>
      edxmlPackage([{ name: 'x.pdf', bytes: pdfBytes }])
        .toString()
        .replace(/(<edXML:ContentTransferEncoded>)[^<]*/, `$1${c}`);
    for (const bad of ['QUJD*', 'QUJ', 'QUJ=', 'QUJD====', '', 'QU JD!'])
      expect(refusal(Buffer.from(withContent(bad)))).toBe('INVALID_BASE64');
    expect(Buffer.from(strictBase64('QUJD\r\nREVG', 'x')).toString()).toBe('ABCDEF');
  });

  it('tells XML from a PDF by the first character after a BOM and whitespace', () => {
    expect(looksLikeXml(Buffer.from('\ufeff  \n<?xml version="1.0"?>'))).toBe(true);
    expect(looksLikeXml(pdfBytes)).toBe(false);
  });
});
