import { randomBytes } from 'node:crypto';
import { generateJwtKey, JwtKey, jwtKeyFromPem } from './jwt';
import { SigningKeysRepository, StoredSigningKey } from './signing-keys.repository';

/**
 * The token-signing keys, rotating: a key signs for `rotationSec`, then a new one takes over; the
 * old one still verifies until the last token it signed has expired. Keys live in the gateway
 * schema so every instance signs and verifies alike.
 */
export class SigningKeys {
  private current?: { key: JwtKey; createdAt: Date };
  private readonly known = new Map<string, { key: JwtKey; createdAt: Date }>();

  constructor(
    private readonly store: SigningKeysRepository,
    private readonly rotationSec: number,
    private readonly accessTtlSec: number,
  ) {}

  /** The key to sign with now, making a new one when the newest is due for rotation. */
  async signingKey(now: Date): Promise<JwtKey> {
    if (this.current && this.fresh(this.current.createdAt, now)) return this.current.key;
    const newest = await this.store.newest();
    if (newest && this.fresh(newest.createdAt, now)) {
      this.current = this.remember(newest);
      return this.current.key;
    }
    const kid = `${now.toISOString().slice(0, 10)}-${randomBytes(6).toString('hex')}`;
    const made = generateJwtKey(kid);
    const stored = await this.store.insert({
      kid,
      privateKeyPem: made.privatePem,
      publicKeyPem: made.publicPem,
      createdAt: now,
    });
    this.current = this.remember(stored);
    return this.current.key;
  }

  /** The key that verifies tokens with this kid, if it may still verify at `now`. */
  async verificationKey(kid: string, now: Date): Promise<JwtKey | undefined> {
    let entry = this.known.get(kid);
    if (!entry) {
      const stored = await this.store.findByKid(kid);
      if (!stored) return undefined;
      entry = this.remember(stored);
    }
    const usableUntil = entry.createdAt.getTime() + (this.rotationSec + this.accessTtlSec) * 1000;
    return usableUntil > now.getTime() ? entry.key : undefined;
  }

  private fresh(createdAt: Date, now: Date): boolean {
    return now.getTime() - createdAt.getTime() < this.rotationSec * 1000;
  }

  private remember(k: StoredSigningKey) {
    const entry = { key: jwtKeyFromPem(k.kid, k.privateKeyPem, k.publicKeyPem), createdAt: k.createdAt };
    this.known.set(k.kid, entry);
    return entry;
  }
}
