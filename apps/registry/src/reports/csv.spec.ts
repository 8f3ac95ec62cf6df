import { toCsv, UTF8_BOM } from './csv';

describe('toCsv', () => {
  const cols = [
    { key: 'name' as const, header: 'Họ và tên' },
    { key: 'note' as const, header: 'Ghi chú' },
    { key: 'n' as const, header: 'n' },
  ];

  it('starts with a BOM, ends lines with CRLF, and keeps Vietnamese text as UTF-8', () => {
    const csv = toCsv(cols, [{ name: 'Nguyễn Văn An', note: null, n: 3 }]);
    expect(csv.startsWith(UTF8_BOM)).toBe(true);
    expect(csv.slice(1)).toBe('Họ và tên,Ghi chú,n\r\nNguyễn Văn An,,3\r\n');
  });

  it('quotes commas, quotes, line breaks and edge spaces, doubling quotes', () => {
    const csv = toCsv(cols, [
      { name: 'Sở "TT", Hà Nam', note: 'dòng 1\ndòng 2', n: 0 },
      { name: ' x', note: 'y', n: 1 },
    ]);
    expect(csv).toContain('"Sở ""TT"", Hà Nam","dòng 1\ndòng 2",0\r\n');
    expect(csv).toContain('" x",y,1\r\n');
  });

  it('neutralises text a spreadsheet would run as a formula', () => {
    const csv = toCsv(cols, [{ name: '=HYPERLINK("http://x")', note: '@SUM(A1)', n: -5 }]);
    expect(csv).toContain(`"'=HYPERLINK(""http://x"")",'@SUM(A1),-5`);
  });
});
