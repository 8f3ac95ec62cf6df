import { randomBytes } from 'node:crypto';
import { requireInternalCredential, sameSecret } from './internal-auth';
import { ProblemError } from './problem';

describe('sameSecret', () => {
  const token = randomBytes(32).toString('base64url');

  it('accepts the expected secret, however the string was built', () => {
    expect(sameSecret(token, token)).toBe(true);
    expect(sameSecret(`${token.slice(0, 10)}${token.slice(10)}`, token)).toBe(true);
    expect(sameSecret('é-secret', 'é-secret')).toBe(true);
  });

  it('refuses any other string: one character changed, a prefix, an extension, empty, other case', () => {
    const changed = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    for (const given of [changed, token.slice(0, -1), `${token}A`, '', token.toUpperCase(), ` ${token}`]) {
      if (given === token) continue;
      expect(sameSecret(given, token)).toBe(false);
    }
    expect(sameSecret('e-secret', 'é-secret')).toBe(false);
  });

  it('compares with each expected secret, however many are compared with in turn', () => {
    const secrets = Array.from({ length: 40 }, (_, i) => `secret-${i}-${token}`);
    for (let round = 0; round < 2; round++)
      secrets.forEach((s, i) => {
        expect(sameSecret(s, s)).toBe(true);
        expect(sameSecret(secrets[(i + 1) % secrets.length], s)).toBe(false);
        expect(sameSecret(s, token)).toBe(false);
        expect(sameSecret(token, s)).toBe(false);
      });
  });
});

describe('requireInternalCredential', () => {
  const token = 'internal-token-of-this-test';

  it('lets the credential through', () => {
    expect(() => requireInternalCredential(token, token)).not.toThrow();
  });

  it('refuses (401) a missing, empty or wrong credential', () => {
    for (const given of [undefined, '', 'internal-token-of-this-tesT', `${token} `]) {
      let thrown: unknown;
      try {
        requireInternalCredential(token, given);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(ProblemError);
      expect((thrown as ProblemError).status).toBe(401);
      expect((thrown as ProblemError).code).toBe('INTERNAL_CREDENTIAL_REQUIRED');
    }
  });
});
