import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** A webhook secret as the system gets it once: 256 random bits. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

const VERSION = 'v1';

/**
 * Webhook secrets at rest: the gateway signs with them, so they are kept recoverable, sealed with
 * AES-256-GCM under a key from configuration (KYSO_WEBHOOK_SECRET_KEY), never in the database. The
 * API key's id is the associated data: a sealed secret copied onto another key's row does not open.
 * Sealed form: `v1.<iv>.<tag>.<ciphertext>`, base64url parts.
 */
export class SecretBox {
  private readonly key: Buffer;

  /** `key`: 32 bytes, base64 (as `openssl rand -base64 32` prints them). */
  constructor(key: string) {
    this.key = Buffer.from(key, 'base64');
    if (this.key.length !== 32) throw new Error('the webhook secret key must be 32 bytes, base64');
  }

  seal(secret: string, keyId: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(keyId, 'utf8'));
    const ct = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), ct]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  /** Throws when the sealed value was not made by this key for this API key. */
  open(sealed: string, keyId: string): string {
    const [version, iv, tag, ct, ...rest] = sealed.split('.');
    if (version !== VERSION || !ct || rest.length) throw new Error('not a sealed webhook secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(keyId, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/** The box from KYSO_WEBHOOK_SECRET_KEY, or undefined when webhooks are not configured. */
export function secretBoxFromEnv(): SecretBox | undefined {
  const key = process.env.KYSO_WEBHOOK_SECRET_KEY;
  return key ? new SecretBox(key) : undefined;
}
