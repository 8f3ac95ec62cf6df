import { randomBytes } from 'node:crypto';
import { generateWebhookSecret, SecretBox } from './secret-box';

describe('webhook secrets at rest', () => {
  const box = new SecretBox(randomBytes(32).toString('base64'));

  it('opens what it sealed for the same API key, and the sealed form does not show the secret', () => {
    const secret = generateWebhookSecret();
    const sealed = box.seal(secret, 'key-1');
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain(secret.slice(6));
    expect(box.open(sealed, 'key-1')).toBe(secret);
    expect(box.seal(secret, 'key-1')).not.toBe(sealed); // a fresh IV each time
  });

  it("refuses a sealed secret moved onto another key's row, altered, or sealed under another data key", () => {
    const sealed = box.seal(generateWebhookSecret(), 'key-1');
    expect(() => box.open(sealed, 'key-2')).toThrow();
    const parts = sealed.split('.');
    const ct = Buffer.from(parts[3], 'base64url');
    ct[0] ^= 1;
    parts[3] = ct.toString('base64url');
    expect(() => box.open(parts.join('.'), 'key-1')).toThrow();
    expect(() => new SecretBox(randomBytes(32).toString('base64')).open(sealed, 'key-1')).toThrow();
  });

  it('needs a 32-byte data key', () => {
    expect(() => new SecretBox(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });
});
