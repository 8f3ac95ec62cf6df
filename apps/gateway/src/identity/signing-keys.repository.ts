import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A token-signing key pair as stored. */
export interface StoredSigningKey {
  kid: string;
  privateKeyPem: string;
  publicKeyPem: string;
  createdAt: Date;
}

/** Persistence port for the gateway's token-signing keys. */
export abstract class SigningKeysRepository {
  abstract newest(): Promise<StoredSigningKey | undefined>;
  abstract findByKid(kid: string): Promise<StoredSigningKey | undefined>;
  abstract insert(key: StoredSigningKey): Promise<StoredSigningKey>;
}

interface Row {
  kid: string;
  private_key_pem: string;
  public_key_pem: string;
  created_at: Date;
}

const toStored = (r: Row): StoredSigningKey => ({
  kid: r.kid,
  privateKeyPem: r.private_key_pem,
  publicKeyPem: r.public_key_pem,
  createdAt: new Date(r.created_at),
});

/** gateway.signing_key in SQL. */
@Injectable()
export class PgSigningKeysRepository extends SigningKeysRepository {
  constructor(private readonly db: DataSource) {
    super();
  }

  async newest(): Promise<StoredSigningKey | undefined> {
    const [row]: Row[] = await this.db.query('SELECT * FROM gateway.signing_key ORDER BY created_at DESC LIMIT 1');
    return row && toStored(row);
  }

  async findByKid(kid: string): Promise<StoredSigningKey | undefined> {
    const [row]: Row[] = await this.db.query('SELECT * FROM gateway.signing_key WHERE kid = $1', [kid]);
    return row && toStored(row);
  }

  async insert(k: StoredSigningKey): Promise<StoredSigningKey> {
    const [row]: Row[] = await this.db.query(
      'INSERT INTO gateway.signing_key (kid, private_key_pem, public_key_pem, created_at) VALUES ($1, $2, $3, $4) RETURNING *',
      [k.kid, k.privateKeyPem, k.publicKeyPem, k.createdAt],
    );
    return toStored(row);
  }
}
