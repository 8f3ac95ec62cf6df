import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts national ID numbers at rest (AES-256-GCM, random 96-bit IV) and derives a blind index
 * (HMAC-SHA-256) for exact lookups without decrypting. Both keys are derived from the one data key
 * with HKDF, so the index key never doubles as the encryption key. Stored form:
 * version (1 byte) || IV (12) || tag (16) || ciphertext. The column name is bound as AAD, so a
 * ciphertext copied into another column does not decrypt.
 */
export class NationalIdCipher {
  private readonly encKey: Buffer;
  private readonly indexKey: Buffer;

  constructor(dataKey: Buffer) {
    if (dataKey.length !== 32) throw new Error('the registry data key must be 32 bytes');
    this.encKey = Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), 'kyso registry national-id encryption', 32));
    this.indexKey = Buffer.from(
      hkdfSync('sha256', dataKey, Buffer.alloc(0), 'kyso registry national-id blind index', 32),
    );
  }

  static fromBase64(key: string): NationalIdCipher {
    return new NationalIdCipher(Buffer.from(key, 'base64'));
  }

  encrypt(value: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const c = createCipheriv('aes-256-gcm', this.encKey, iv).setAAD(AAD);
    const ct = Buffer.concat([c.update(value, 'utf8'), c.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, c.getAuthTag(), ct]);
  }

  /** Throws when the data was altered or encrypted under another key. */
  decrypt(stored: Uint8Array): string {
    const b = Buffer.from(stored);
    if (b[0] !== VERSION || b.length < 1 + IV_BYTES + TAG_BYTES)
      throw new Error('unknown national ID ciphertext format');
    const d = createDecipheriv('aes-256-gcm', this.encKey, b.subarray(1, 1 + IV_BYTES)).setAAD(AAD);
    d.setAuthTag(b.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
    return Buffer.concat([d.update(b.subarray(1 + IV_BYTES + TAG_BYTES)), d.final()]).toString('utf8');
  }

  blindIndex(value: string): string {
    return createHmac('sha256', this.indexKey).update(value, 'utf8').digest('hex');
  }
}

const AAD = Buffer.from('registry.official.national_id_encrypted');
