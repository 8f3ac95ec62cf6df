import { PdfFormatError } from './errors';
import { PdfDict, PdfName, PdfRef, PdfStream, PdfString } from './objects';
import { parseValueAt, PdfParser } from './parser';
import { serializeValue } from './serialize';
import { decodeTextString, encodeTextString, formatPdfDate, parsePdfDate } from './text';

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
const parse = (s: string) => parseValueAt(bytes(s), 0).value;
const str = (o: unknown) => Buffer.from((o as PdfString).bytes).toString('latin1');

describe('PdfParser', () => {
  it('reads names with #xx escapes, numbers, booleans, null and references', () => {
    const v = parse('[/A#20B#2fC /Lime#c3#a1 -12 +3.5 .25 -.5 4. true false null 12 0 R 7 3 R 5]') as unknown[];
    expect((v[0] as PdfName).value).toBe('A B/C');
    expect(Buffer.from((v[1] as PdfName).value, 'latin1').toString('utf8')).toBe('Limeá');
    expect(v.slice(2, 7)).toEqual([-12, 3.5, 0.25, -0.5, 4]);
    expect(v.slice(7, 10)).toEqual([true, false, null]);
    expect(v[10]).toEqual(new PdfRef(12, 0));
    expect(v[11]).toEqual(new PdfRef(7, 3));
    expect(v[12]).toBe(5);
  });

  it('reads literal strings with escapes, octal codes, nesting and line continuations', () => {
    expect(str(parse('(a\\(b\\)c (nested (twice)) \\\\ \\n\\t\\101\\0611 x\\\r\ny \\q)'))).toBe(
      'a(b)c (nested (twice)) \\ \n\tA11 xy q',
    );
    expect(str(parse('()'))).toBe('');
  });

  it('reads hex strings with whitespace and an odd digit count', () => {
    expect(Buffer.from((parse('<48 65\n6c6C 6f7>') as PdfString).bytes).toString('latin1')).toBe('Hellop');
    expect((parse('<>') as PdfString).hex).toBe(true);
  });

  it('reads long hex strings (signature contents) the same whether plain, spaced or mixed case', () => {
    const data = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) % 256));
    const hex = data.toString('hex');
    for (const text of [hex, hex.toUpperCase(), hex.replace(/(.{64})/g, '$1\n'), `${hex}0`]) {
      const got = Buffer.from((parse(`<${text}>`) as PdfString).bytes);
      expect(got.subarray(0, 300).equals(data)).toBe(true);
      expect(got.length).toBe(text.endsWith('0') && text.length % 2 ? 301 : 300);
    }
    const { value, end } = parseValueAt(bytes(`<${hex}> 5`), 0, true);
    expect([(value as PdfString).start, (value as PdfString).end, end]).toEqual([0, hex.length + 2, hex.length + 2]);
    expect(() => parse(`<${hex.slice(0, 200)}zz${hex.slice(202)}>`)).toThrow(
      expect.objectContaining({ code: 'MALFORMED_PDF' }),
    );
  });

  it('reads dictionaries with comments and records file positions of strings', () => {
    const buf = bytes('<< /Type /Sig % comment\r\n /Contents <0102> /Nested << /K [1 2 (x)] >> >>');
    const { value } = parseValueAt(buf, 0, true);
    const d = value as PdfDict;
    expect(d.name('Type')).toBe('Sig');
    const contents = d.get('Contents') as PdfString;
    expect(Buffer.from(buf.subarray(contents.start, contents.end)).toString('latin1')).toBe('<0102>');
    expect(((d.get('Nested') as PdfDict).get('K') as unknown[]).length).toBe(3);
  });

  it('reads indirect objects with streams, an indirect /Length and a wrong /Length', () => {
    const buf = bytes('5 0 obj\n<</Length 6 0 R>>\nstream\r\nHELLO\nendstream\nendobj\n');
    const p = new PdfParser(buf, 0, { filePositions: true, resolveLength: () => 5 });
    const s = p.parseIndirectObject(5).value as PdfStream;
    expect(Buffer.from(s.raw).toString()).toBe('HELLO');
    const wrong = new PdfParser(bytes('1 0 obj <</Length 2>> stream\nHELLO\nendstream endobj'), 0).parseIndirectObject()
      .value as PdfStream;
    expect(Buffer.from(wrong.raw).toString()).toBe('HELLO');
  });

  it.each([
    ['unterminated array', '[1 2'],
    ['unterminated string', '(abc'],
    ['bad hex', '<12zz>'],
    ['bad key', '<< 1 2 >>'],
    ['bad keyword', 'nul'],
    ['bad number', '1.2.3'],
    ['deep nesting', '['.repeat(100) + ']'.repeat(100)],
  ])('refuses %s with MALFORMED_PDF', (_l, input) => {
    expect(() => parse(input)).toThrow(PdfFormatError);
    expect(() => parse(input)).toThrow(expect.objectContaining({ code: 'MALFORMED_PDF' }));
  });

  it('serializes what it parses to an equivalent value', () => {
    const src = '<</A#20B [1 -2.5 (x\\(y\\)\\n) <ff00> true null 3 0 R] /N /Sig>>';
    const once = serializeValue(parse(src));
    expect(serializeValue(parse(once))).toBe(once);
    expect(once).toContain('/A#20B');
  });
});

describe('text strings and dates', () => {
  it('encodes Vietnamese as UTF-16BE with a BOM and ASCII as a literal string', () => {
    const vi = encodeTextString('Phê duyệt – Hà Nội');
    expect(vi.hex).toBe(true);
    expect([...vi.bytes.subarray(0, 2)]).toEqual([0xfe, 0xff]);
    expect(decodeTextString(vi.bytes)).toBe('Phê duyệt – Hà Nội');
    expect(encodeTextString('Approved').hex).toBe(false);
    expect(decodeTextString(new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from('Đà Nẵng')]))).toBe('Đà Nẵng');
    expect(decodeTextString(new Uint8Array([0x41, 0x80, 0x84]))).toBe('A•—');
  });

  it('formats and parses PDF dates with offsets', () => {
    const t = new Date('2026-11-25T11:30:00Z');
    expect(formatPdfDate(t)).toBe("D:20261125183000+07'00'");
    expect(formatPdfDate(t, 0)).toBe('D:20261125113000Z');
    expect(formatPdfDate(t, -150)).toBe("D:20261125090000-02'30'");
    for (const raw of ["D:20261125183000+07'00'", "D:20261125183000+07'00", 'D:20261125113000Z', '20261125113000']) {
      expect(parsePdfDate(raw)?.toISOString()).toBe(t.toISOString());
    }
    expect(parsePdfDate('D:2026')?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(parsePdfDate('yesterday')).toBeNull();
    expect(parsePdfDate('D:20261345')).toBeNull();
  });
});
