import { MAX_DER_DEPTH } from '../asn1';
import { derProblem } from './der-strictness';

const hex = (h: string) => new Uint8Array(Buffer.from(h.replace(/\s/g, ''), 'hex'));

describe('derProblem (X.690 section 10, RFC 5280 4.1)', () => {
  it.each([
    ['a DER SEQUENCE of INTEGER and BOOLEAN', '3006 020101 0101ff', undefined],
    ['a length in long form where short fits', '3081 03 020101', /Long-form length/],
    ['an indefinite length (BER)', '3080 020101 0000', /Indefinite/],
    ['a BOOLEAN TRUE as 01', '3003 010101', /BOOLEAN/],
    ['an INTEGER with a needless leading 00', '3004 02020001', /redundant leading octet/],
    ['an INTEGER with a needless leading FF', '3004 0202ff80', /redundant leading octet/],
    ['an empty INTEGER', '3002 0200', /INTEGER is empty/],
    ['a UTCTime with fractions', `3011 170f ${Buffer.from('240301000000.5Z').toString('hex')}`, /time not in DER form/],
    [
      'a GeneralizedTime with an offset',
      `3015 1813 ${Buffer.from('20500301000000+0700').toString('hex')}`,
      /time not in DER form/,
    ],
    ['a BIT STRING with 8 unused bits', '3004 03020800', /BIT STRING/],
    ['bytes after the element', '3003 020101 00', /Data after/],
  ])('%s', (_name, input, expected) => {
    const problem = derProblem(hex(input));
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });

  it('bounds the nesting depth instead of recursing without end', () => {
    let der = hex('0500');
    for (let i = 0; i <= MAX_DER_DEPTH + 1; i++) {
      const len = der.length;
      const head = len < 0x80 ? [0x30, len] : [0x30, 0x81, len];
      der = Uint8Array.from([...head, ...der]);
    }
    expect(derProblem(der)).toMatch(/too deep/);
  });
});
