import { MAX_CALLBACK_URL_CHARS, ProblemError } from '@kyso/common';
import { parseInput, ValidatePdfQueryDto } from '@kyso/contracts';
import { checkFormFields, isUuid, validatePdfQueryOf } from './http-input';
import { assertEveryJobHandled, JobName } from './jobs';

describe('isUuid', () => {
  it('tells uuids from other ids', () => {
    expect(isUuid('0b0f5d0e-3c4b-4a53-9a0e-1d2f3a4b5c6d')).toBe(true);
    expect(isUuid('1; drop table')).toBe(false);
  });
});

describe('assertEveryJobHandled', () => {
  it('fails at boot when a job has no handler', () => {
    expect(() => assertEveryJobHandled({})).toThrow(JobName.ValidatePdf);
    expect(() => assertEveryJobHandled({ [JobName.ValidatePdf]: async () => undefined })).toThrow(JobName.FetchCrl);
    const all = Object.fromEntries(Object.values(JobName).map((n) => [n, async () => undefined]));
    expect(() => assertEveryJobHandled(all)).not.toThrow();
  });
});

describe('checkFormFields', () => {
  const codeOf = (fields: Record<string, unknown> | undefined) => {
    try {
      checkFormFields(fields);
      return 'ok';
    } catch (e) {
      return `${(e as ProblemError).status} ${(e as ProblemError).code} ${String((e as ProblemError).extensions.field)}`;
    }
  };

  it('refuses a NUL, control, zero-width or bidi character in a form field with 400 INVALID_TEXT, naming the field', () => {
    expect(codeOf({ note: 'a\u0000b' })).toBe('400 INVALID_TEXT note');
    expect(codeOf({ note: ['ok', 'x\u200by'] })).toBe('400 INVALID_TEXT note');
    expect(codeOf({ 'n\u0007': 'v' })).toMatch(/^400 INVALID_TEXT/);
  });

  it('accepts plain text, line breaks and no fields at all', () => {
    expect(codeOf({ note: 'Văn bản số 12\r\n\tđã ký' })).toBe('ok');
    expect(codeOf(undefined)).toBe('ok');
  });
});

describe('validatePdfQueryOf', () => {
  const outcome = (parse: () => ValidatePdfQueryDto) => {
    try {
      const { wait, callbackUrl } = parse();
      return JSON.stringify({ wait, callbackUrl });
    } catch (e) {
      return JSON.stringify((e as ProblemError).toProblem());
    }
  };

  it('answers every query as the contract does: the same values, the same 400s', () => {
    const url = 'https://dms.example.gov.vn/kyso/webhooks';
    const queries: Record<string, unknown>[] = [
      {},
      { wait: '0' },
      { wait: '10' },
      { wait: '60' },
      { wait: '061' },
      { wait: '61' },
      { wait: '99' },
      { wait: '' },
      { wait: '-1' },
      { wait: '1.5' },
      { wait: '1e1' },
      { wait: 'soon' },
      { wait: ['1', '2'] },
      { callbackUrl: url, wait: '5' },
      { callbackUrl: '' },
      { callbackUrl: 'x'.repeat(2048) },
      { callbackUrl: 'x'.repeat(2049) },
      { callbackUrl: [url, url] },
      { other: 'ignored', wait: '3' },
    ];
    for (const q of queries)
      expect([q, outcome(() => validatePdfQueryOf(q))]).toEqual([q, outcome(() => parseInput(ValidatePdfQueryDto, q))]);
  });

  // The direct reading answers a query itself only when it looks usual, else the contract does: it
  // is equivalent when the contract gives the same answer over the whole of what it answers itself.
  it('answers as the contract over every wait of up to three digits, and of up to two other characters', () => {
    const digits = [...'0123456789'];
    const others = [...'-+.eE x'];
    const waits: unknown[] = [undefined, '', 0, 5, null, true, ['5'], { a: 1 }];
    for (const a of digits) {
      waits.push(a);
      for (const b of digits) {
        waits.push(a + b);
        for (const c of digits) waits.push(a + b + c);
      }
    }
    for (const a of [...digits, ...others])
      for (const b of [...digits, ...others]) if (others.includes(a) || others.includes(b)) waits.push(a, a + b);
    for (const wait of waits) {
      const q = wait === undefined ? {} : { wait };
      expect([q, outcome(() => validatePdfQueryOf(q))]).toEqual([q, outcome(() => parseInput(ValidatePdfQueryDto, q))]);
    }
  });

  it('answers as the contract over every callbackUrl length up to one past the limit', () => {
    // Every length in ASCII; near the ends, astral characters (one code point, two UTF-16 units),
    // variation selectors and lone surrogates (which the contract's length counts apart).
    const cases: [string, number][] = [];
    for (let n = 0; n <= MAX_CALLBACK_URL_CHARS + 1; n++) cases.push(['a', n]);
    for (const unit of ['😀', '\uFE0F', '\uD800'])
      for (let n = 0; n <= MAX_CALLBACK_URL_CHARS + 1; n++)
        if (n < 8 || n > MAX_CALLBACK_URL_CHARS - 8) cases.push([unit, n]);
    for (const [unit, n] of cases) {
      const callbackUrl = unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
      const q = n % 2 ? { callbackUrl, wait: '7' } : { callbackUrl };
      const contract = outcome(() => parseInput(ValidatePdfQueryDto, q));
      expect([unit, n, outcome(() => validatePdfQueryOf(q))]).toEqual([unit, n, contract]);
    }
  });

  it('reads the usual query without the contract classes', () => {
    expect(validatePdfQueryOf({ wait: '20' })).not.toBeInstanceOf(ValidatePdfQueryDto);
    expect(validatePdfQueryOf({ wait: '20' }).wait).toBe(20);
  });
});
