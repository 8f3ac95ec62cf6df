import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { generateJwtKey, JwtKey, jwtKeyFromPem } from './jwt';

interface Row {
  kid: string;
  private_key_pem: string;
  public_key_pem: string;
  created_at: Date;
}

/**
 * The token-signing keys, rotating: a key signs for `rotationSec`, then a new one takes over; the
 * old one still verifies until the last token it signed has expired. Keys live in the gateway
 * schema so every instance signs and verifies alike.
 */
export class SigningKeys {
  private current?: { key: JwtKey; createdAt: Date };
  private readonly known = new Map<string, { key: JwtKey; createdAt: Date }>();

  constructor(
    private readonly ds: DataSource,
    private readonly rotationSec: number,
    private readonly accessTtlSec: number,
  ) {}

  /** The key to sign with now, making a new one when the newest is due for rotation. */
  async signingKey(now: Date): Promise<JwtKey> {
    if (this.current && this.fresh(this.current.createdAt, now)) return this.current.key;
    const rows: Row[] = await this.ds.query('SELECT * FROM gateway.signing_key ORDER BY created_at DESC LIMIT 1');
    if (rows[0] && this.fresh(rows[0].created_at, now)) {
      this.current = this.remember(rows[0]);
      return this.current.key;
    }
    const kid = `${now.toISOString().slice(0, 10)}-${randomBytes(6).toString('hex')}`;
    const made = generateJwtKey(kid);
    const [row]: Row[] = await this.ds.query(
      'INSERT INTO gateway.signing_key (kid, private_key_pem, public_key_pem, created_at) VALUES ($1, $2, $3, $4) RETURNING *',
      [kid, made.privatePem, made.publicPem, now],
    );
    this.current = this.remember(row);
    return this.current.key;
  }

  /** The key that verifies tokens with this kid, if it may still verify at `now`. */
  async verificationKey(kid: string, now: Date): Promise<JwtKey | undefined> {
    let entry = this.known.get(kid);
    if (!entry) {
      const rows: Row[] = await this.ds.query('SELECT * FROM gateway.signing_key WHERE kid = $1', [kid]);
      if (!rows[0]) return undefined;
      entry = this.remember(rows[0]);
    }
    const usableUntil = entry.createdAt.getTime() + (this.rotationSec + this.accessTtlSec) * 1000;
    return usableUntil > now.getTime() ? entry.key : undefined;
  }

  private fresh(createdAt: Date, now: Date): boolean {
    return now.getTime() - createdAt.getTime() < this.rotationSec * 1000;
  }

  private remember(row: Row) {
    const entry = {
      key: jwtKeyFromPem(row.kid, row.private_key_pem, row.public_key_pem),
      createdAt: new Date(row.created_at),
    };
    this.known.set(row.kid, entry);
    return entry;
  }
}
