import { ProblemError } from '@kyso/common';
import { parseSignPdfFields } from './signing-input';

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

  it('accepts the required fields, with level B-B or none', () => {
    expect(parseSignPdfFields({ ...base, reason: 'Phê duyệt' })).toEqual({
      certificateId: 'c',
      actingOfficialId: 'o',
      credential: { pin: '123456' },
      reason: 'Phê duyệt',
      location: undefined,
    });
    expect(codeOf({ ...base, level: 'B-B' })).toBe('ok');
  });

  it('refuses what it cannot honour instead of signing something else', () => {
    expect(codeOf({ ...base, level: 'B-LT' })).toBe('422 UNSUPPORTED_LEVEL');
    expect(codeOf({ ...base, appearance: '{"page":1}' })).toBe('422 APPEARANCE_NOT_SUPPORTED');
  });

  it('takes the PIN (opening a session when asked) or a session token, never both', () => {
    expect(parseSignPdfFields({ ...base, session: '40' }).credential).toEqual({ pin: '123456', session: 40 });
    const { pin: _pin, ...noPin } = base;
    expect(parseSignPdfFields({ ...noPin, signingSession: 'kss_x' }).credential).toEqual({ signingSession: 'kss_x' });
    expect(codeOf(noPin)).toBe('400 MISSING_FIELD');
    expect(codeOf({ ...base, signingSession: 'kss_x' })).toBe('400 CONFLICTING_FIELDS');
    expect(codeOf({ ...noPin, signingSession: 'kss_x', session: '2' })).toBe('400 CONFLICTING_FIELDS');
    for (const bad of ['0', '-1', '1.5', 'x', '1e3', '01', '1234567'])
      expect(codeOf({ ...base, session: bad })).toBe('400 INVALID_FIELD');
  });

  it('names the missing or malformed field', () => {
    expect(codeOf({ certificateId: 'c', pin: '1' })).toBe('400 MISSING_FIELD');
    expect(codeOf({ ...base, pin: ['1', '2'] })).toBe('400 INVALID_FIELD');
    expect(codeOf({ ...base, reason: 'x'.repeat(501) })).toBe('400 INVALID_FIELD');
  });
});
