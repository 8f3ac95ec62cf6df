import { ProblemError } from '@kyso/common';
import { parseExtendLevel, parseSignPdfFields } from './signing-input';

describe('parseSignPdfFields', () => {
  const base = { certificateId: 'c', actingOfficialId: 'o', pin: '123456' };
  const codeOf = (body: Record<string, unknown>) => {
    try {
      parseSignPdfFields(body);
      return 'ok';
    } catch (e) {
      return `${(e as ProblemError).status} ${(e as ProblemError).code}`;
    }
  };

  it('accepts the required fields, with a PAdES baseline level or none', () => {
    expect(parseSignPdfFields({ ...base, reason: 'Phê duyệt' })).toEqual({
      ...base,
      reason: 'Phê duyệt',
      location: undefined,
      level: undefined,
    });
    for (const level of ['B-B', 'B-T', 'B-LT', 'B-LTA'])
      expect(parseSignPdfFields({ ...base, level }).level).toBe(level);
  });

  it('refuses what it cannot honour instead of signing something else', () => {
    expect(codeOf({ ...base, level: 'B-LTV' })).toBe('422 UNSUPPORTED_LEVEL');
    expect(codeOf({ ...base, level: 'b-t' })).toBe('422 UNSUPPORTED_LEVEL');
    expect(codeOf({ ...base, appearance: '{"page":1}' })).toBe('422 APPEARANCE_NOT_SUPPORTED');
  });

  it('refuses NUL and other control, zero-width or bidi characters in any field with 400 INVALID_TEXT', () => {
    expect(codeOf({ ...base, reason: 'Phê\u0000duyệt' })).toBe('400 INVALID_TEXT');
    expect(codeOf({ ...base, location: 'Huế\u001b[31m' })).toBe('400 INVALID_TEXT');
    expect(codeOf({ ...base, reason: 'a\u202eb' })).toBe('400 INVALID_TEXT');
    expect(codeOf({ ...base, ['pi\u0000n']: 'x' })).toBe('400 INVALID_TEXT');
    expect(codeOf({ ...base, reason: 'Dòng 1\r\n\tDòng 2' })).toBe('ok');
  });

  it('names the missing or malformed field', () => {
    expect(codeOf({ certificateId: 'c', pin: '1' })).toBe('400 MISSING_FIELD');
    expect(codeOf({ ...base, pin: ['1', '2'] })).toBe('400 INVALID_FIELD');
    expect(codeOf({ ...base, reason: 'x'.repeat(501) })).toBe('400 INVALID_FIELD');
  });

  it('reads the extend level: B-LT or B-LTA only', () => {
    expect(parseExtendLevel({ level: 'B-LTA' })).toBe('B-LTA');
    const code = (body: Record<string, unknown>) => {
      try {
        parseExtendLevel(body);
        return 'ok';
      } catch (e) {
        return `${(e as ProblemError).status} ${(e as ProblemError).code}`;
      }
    };
    expect(code({})).toBe('400 MISSING_FIELD');
    expect(code({ level: 'B-T' })).toBe('422 UNSUPPORTED_LEVEL');
    expect(code({ level: ['B-LT', 'B-LT'] })).toBe('422 UNSUPPORTED_LEVEL');
  });
});
