import { ProblemError } from '@kyso/common';
import { parseSignHashFields } from './cms-input';
import { signatureAlgorithmName } from './cms-signing.service';

describe('parseSignHashFields', () => {
  const base = { certificateId: 'c', actingOfficialId: 'o', pin: '123456' };
  const codeOf = (body: Record<string, unknown>) => {
    try {
      parseSignHashFields({ ...base, ...body });
      return 'ok';
    } catch (e) {
      return `${(e as ProblemError).status} ${(e as ProblemError).code}`;
    }
  };

  it('refuses a callbackUrl (the signature is the answer, no webhook) rather than drop it', () => {
    expect(codeOf({ hash: 'ab'.repeat(32), hashAlgorithm: 'SHA-256', callbackUrl: 'https://dms.example/h' })).toBe(
      '422 CALLBACK_URL_NOT_SUPPORTED',
    );
  });

  it('makes a CMS by default, over SHA-256 only', () => {
    const f = parseSignHashFields({ ...base, hash: 'ab'.repeat(32), hashAlgorithm: 'SHA-256' });
    expect(f).toMatchObject({ output: 'cms', hashAlgorithm: 'SHA-256', credential: { pin: '123456' } });
    expect(Buffer.from(f.digest).toString('hex')).toBe('ab'.repeat(32));
    expect(codeOf({ hash: 'ab'.repeat(48), hashAlgorithm: 'SHA-384' })).toBe('422 HASH_ALGORITHM_NOT_SUPPORTED');
    expect(codeOf({ hash: 'ab'.repeat(64), hashAlgorithm: 'SHA-512', output: 'cms' })).toBe(
      '422 HASH_ALGORITHM_NOT_SUPPORTED',
    );
  });

  it('makes a raw signature value over SHA-256, SHA-384 or SHA-512 digests of their own length', () => {
    for (const [hashAlgorithm, length] of [
      ['SHA-256', 32],
      ['SHA-384', 48],
      ['SHA-512', 64],
    ] as const) {
      const hash = Buffer.alloc(length, 7).toString('base64url');
      const f = parseSignHashFields({ ...base, hash, hashAlgorithm, output: 'raw' });
      expect(f).toMatchObject({ output: 'raw', hashAlgorithm });
      expect(Buffer.from(f.digest).equals(Buffer.alloc(length, 7))).toBe(true);
    }
    expect(codeOf({ hash: 'ab'.repeat(32), hashAlgorithm: 'SHA-384', output: 'raw' })).toBe('400 INVALID_FIELD');
    expect(codeOf({ hash: 'ab'.repeat(32), hashAlgorithm: 'SHA-256', output: 'RAW' })).toBe('400 INVALID_FIELD');
  });
});

describe('signatureAlgorithmName', () => {
  it("names the key's signature over each digest as OpenSSL does", () => {
    expect(signatureAlgorithmName('RSASSA-PKCS1-v1_5-SHA256', 'SHA-256')).toBe('sha256WithRSAEncryption');
    expect(signatureAlgorithmName('RSASSA-PKCS1-v1_5-SHA256', 'SHA-512')).toBe('sha512WithRSAEncryption');
    expect(signatureAlgorithmName('ECDSA-P256-SHA256', 'SHA-384')).toBe('ecdsa-with-SHA384');
  });
});
