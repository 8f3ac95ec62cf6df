import { randomBytes } from 'node:crypto';
import { checkNationalId, maskNationalId } from './national-id';
import { NationalIdCipher } from './national-id-cipher';

describe('national ID numbers', () => {
  it('accepts a 12-digit CCCD with a province code and a legacy 9-digit CMND', () => {
    expect(checkNationalId('035095001234')).toEqual({ ok: true, value: '035095001234', kind: 'cccd' });
    expect(checkNationalId('001 2 03 004567')).toMatchObject({ ok: true, kind: 'cccd' });
    expect(checkNationalId('168123456')).toEqual({ ok: true, value: '168123456', kind: 'cmnd' });
  });

  it.each([
    ['too short', '03509500123'],
    ['letters', '03509500123A'],
    ['no such province code (003)', '003095001234'],
    ['century digit beyond 2099', '035595001234'],
  ])('refuses %s, without echoing the number', (_name, input) => {
    const r = checkNationalId(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).not.toContain(input);
  });

  it('masks all but the last 3 digits', () => {
    expect(maskNationalId('035095001234')).toBe('*********234');
  });

  it('encrypts with a fresh IV, decrypts, detects tampering and a wrong key, and indexes deterministically', () => {
    const key = randomBytes(32);
    const cipher = new NationalIdCipher(key);
    const a = cipher.encrypt('035095001234');
    const b = cipher.encrypt('035095001234');
    expect(a.equals(b)).toBe(false);
    expect(a.toString('latin1')).not.toContain('035095001234');
    expect(cipher.decrypt(a)).toBe('035095001234');
    const tampered = Buffer.from(a);
    tampered[tampered.length - 1] ^= 1;
    expect(() => cipher.decrypt(tampered)).toThrow();
    expect(() => new NationalIdCipher(randomBytes(32)).decrypt(a)).toThrow();
    expect(cipher.blindIndex('035095001234')).toBe(new NationalIdCipher(key).blindIndex('035095001234'));
    expect(cipher.blindIndex('035095001234')).not.toBe(
      new NationalIdCipher(randomBytes(32)).blindIndex('035095001234'),
    );
  });
});
