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
      certificateId: 'c',
      actingOfficialId: 'o',
      credential: { pin: '123456' },
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
    expect(codeOf({ ...base, purpose: 'sign-off' })).toBe('422 PURPOSE_NOT_SUPPORTED');
    expect(codeOf({ ...base, purpose: 'income' })).toBe('400 MISSING_FIELD'); // needs incomingNumber
  });

  it('reads a visible signature placed by coordinates or by a text anchor', () => {
    expect(parseSignPdfFields({ ...base, appearance: '{"page":2,"rect":[10,20,150,60]}' }).appearance).toEqual({
      kind: 'signature',
      purpose: 'approved',
      placement: { page: 2, rect: [10, 20, 150, 60] },
      image: true,
      leaderOfficialId: undefined,
      lines: [],
      showName: true,
      showTime: true,
      fontSize: undefined,
    });
    const anchored = parseSignPdfFields({
      ...base,
      purpose: 'issued',
      docNumber: '123/QĐ-UBND',
      issuedDate: '2026-12-02',
      appearance: '{"anchorText":"[CHỮ KÝ]","position":"below","lines":["TM. ỦY BAN NHÂN DÂN"],"leaderOfficialId":"l"}',
    }).appearance;
    expect(anchored).toMatchObject({
      purpose: 'issued',
      placement: { anchorText: '[CHỮ KÝ]', position: 'below' },
      lines: ['TM. ỦY BAN NHÂN DÂN'],
      issuance: { docNumber: '123/QĐ-UBND', issuedDate: '2026-12-02' },
    });
    expect(
      codeOf({
        ...base,
        purpose: 'issued',
        docNumber: '1/QĐ',
        issuedDate: '2026-02-30',
        appearance: '{"page":1,"rect":[0,0,90,40],"leaderOfficialId":"l"}',
      }),
    ).toBe('422 ISSUED_DATE_INVALID');
    expect(
      codeOf({ ...base, purpose: 'approved', capacity: 'PHÓ CHỦ TỊCH', appearance: '{"page":1,"rect":[0,0,90,40]}' }),
    ).toBe('422 CAPACITY_INVALID');
  });

  it('reads the stamps of copies and attachments', () => {
    expect(parseSignPdfFields({ ...base, purpose: 'copy', copyForm: 'sao lục' }).appearance).toMatchObject({
      kind: 'stamp',
      heading: 'SAO LỤC',
    });
    expect(parseSignPdfFields({ ...base, purpose: 'appendix', docNumber: '123/QĐ-UBND' }).appearance).toMatchObject({
      kind: 'stamp',
      heading: '123/QĐ-UBND',
    });
    expect(codeOf({ ...base, purpose: 'copy' })).toBe('400 MISSING_FIELD');
    expect(codeOf({ ...base, purpose: 'copy', copyForm: 'BẢN CHÍNH' })).toBe('422 COPY_FORM_INVALID');
    expect(codeOf({ ...base, purpose: 'appendix', docNumber: '<script>' })).toBe('422 DOC_NUMBER_INVALID');
  });

  it('answers 422 APPEARANCE_INVALID for an appearance it cannot read', () => {
    for (const appearance of [
      'not json',
      '[1]',
      '{"page":1}',
      '{"rect":[1,2,3]}',
      '{"rect":[1,2,3,4],"anchorText":"x"}',
      '{"anchorText":"x","position":"left"}',
      '{"anchorText":"x","lines":"one"}',
      '{"anchorText":"x","offset":[1]}',
    ])
      expect([appearance, codeOf({ ...base, appearance })]).toEqual([appearance, '422 APPEARANCE_INVALID']);
    expect(codeOf({ ...base, purpose: 'approved' })).toBe('400 MISSING_FIELD');
  });

  it('refuses NUL and other control, zero-width or bidi characters in any field with 400 INVALID_TEXT', () => {
    expect(codeOf({ ...base, reason: 'Phê\u0000duyệt' })).toBe('400 INVALID_TEXT');
    expect(codeOf({ ...base, location: 'Huế\u001b[31m' })).toBe('400 INVALID_TEXT');
    expect(codeOf({ ...base, reason: 'a\u202eb' })).toBe('400 INVALID_TEXT');
    expect(codeOf({ ...base, ['pi\u0000n']: 'x' })).toBe('400 INVALID_TEXT');
    expect(codeOf({ ...base, reason: 'Dòng 1\r\n\tDòng 2' })).toBe('ok');
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

  it('refuses a callbackUrl (signing answers at once, no webhook) rather than drop it', () => {
    expect(codeOf({ ...base, callbackUrl: 'https://dms.example/h' })).toBe('422 CALLBACK_URL_NOT_SUPPORTED');
    expect(() => parseExtendLevel({ level: 'B-LT', callbackUrl: 'https://dms.example/h' })).toThrow(
      expect.objectContaining({ code: 'CALLBACK_URL_NOT_SUPPORTED' }),
    );
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
