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

  it('reads zero-padded hex strings (signature /Contents) as every byte decoded, whatever the padding', () => {
    const der = Buffer.from(Array.from({ length: 301 }, (_, i) => (i * 37 + 1) % 256 || 1));
    // Padding shorter and longer than the native comparison block, a DER ending in a 0 digit
    // (the run then starts inside a pair), a bad digit before or inside the padding.
    for (const [head, pad] of [
      [der.toString('hex'), 0],
      [der.toString('hex'), 7],
      [der.toString('hex'), 4096],
      [der.toString('hex'), 20_000],
      [`${der.toString('hex')}f0`, 9000],
      ['', 8192],
    ] as const) {
      const text = head + '0'.repeat(pad * 2);
      const want = Buffer.from(text, 'hex');
      const { value, end } = parseValueAt(bytes(` <${text}> `), 1, true);
      expect(Buffer.from((value as PdfString).bytes).equals(want)).toBe(true);
      expect([(value as PdfString).start, (value as PdfString).end, end]).toEqual([
        1,
        text.length + 3,
        text.length + 3,
      ]);
    }
    // Heads with zero bytes and '0' digits of their own, before paddings around the block sizes.
    for (let seed = 1; seed < 120; seed++) {
      const head = Buffer.from(
        Array.from({ length: (seed * 7) % 97 }, (_, i) => ((i * seed) % 5 === 0 ? 0 : (i + seed) % 256)),
      );
      const text = head.toString('hex').replace(/^0/, '') + '0'.repeat((seed * 131) % 9000);
      const even = text.length % 2 === 0 ? text : `${text}0`;
      if (even.length < 64) continue;
      const got = Buffer.from((parse(`<${even}>`) as PdfString).bytes);
      expect(got.equals(Buffer.from(even, 'hex'))).toBe(true);
    }
    const hex = der.toString('hex');
    expect(() => parse(`<${hex.slice(0, 100)}g${hex.slice(101)}${'0'.repeat(9000)}>`)).toThrow(
      expect.objectContaining({ code: 'MALFORMED_PDF' }),
    );
    expect(() => parse(`<${hex}${'0'.repeat(5000)}x${'0'.repeat(5001)}>`)).toThrow(
      expect.objectContaining({ code: 'MALFORMED_PDF' }),
    );
    const spaced = Buffer.from((parse(`<${hex} ${'0'.repeat(9000)}>`) as PdfString).bytes);
    expect(spaced.equals(Buffer.from(hex + '0'.repeat(9000), 'hex'))).toBe(true);
  });

  it('reads the same names and numbers on every occurrence (interned names, integers read from bytes)', () => {
    const long = 'L'.repeat(4096);
    const v = parse(
      `[/Type /Typf /Type /${long} /${long} /Ty#70e /A#zz /B#4 0 007 123456789012345 1234567890123456 7.5 -3 3 0 R]`,
    ) as unknown[];
    expect((v.slice(0, 8) as PdfName[]).map((n) => n.value)).toEqual([
      'Type',
      'Typf',
      'Type',
      long,
      long,
      'Type',
      'A#zz',
      'B#4',
    ]);
    expect(v.slice(8, 13)).toEqual([0, 7, 123456789012345, 1234567890123456, 7.5]);
    expect(v.slice(13)).toEqual([-3, new PdfRef(3, 0)]);
    const d = parse('<</Type/Sig/Contents<00>/Type /X>>') as PdfDict;
    expect([...d.map.keys()]).toEqual(['Type', 'Contents']);
    expect(d.name('Type')).toBe('X');
    expect(() => parse(`/${'N'.repeat(4097)}`)).toThrow(expect.objectContaining({ code: 'MALFORMED_PDF' }));
    expect(() => parse('12a')).toThrow(expect.objectContaining({ code: 'MALFORMED_PDF' }));
    expect(parse('12')).toBe(12);
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
