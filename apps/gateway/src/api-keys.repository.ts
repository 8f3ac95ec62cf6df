import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity';

/** A system API key as stored: its hash, never the key. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  prefix: string;
  hash: string;
  scopes: string[];
  organizationIds: string[];
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  replacedBy: string | null;
  createdBy: string | null;
  /** Sealed (webhooks/secret-box.ts), never the secret itself; null for keys made before webhooks. */
  webhookSecret: string | null;
}

export type NewApiKeyRecord = Pick<
  ApiKeyRecord,
  'name' | 'prefix' | 'hash' | 'scopes' | 'organizationIds' | 'expiresAt' | 'createdBy' | 'webhookSecret'
> & { id?: string };

type ApiKeyPatch = Partial<Pick<ApiKeyRecord, 'revokedAt' | 'expiresAt' | 'replacedBy' | 'webhookSecret'>>;

/** The lookup a request's authentication needs (a port of its own, so its rules test in memory). */
export abstract class ApiKeyStore {
  abstract findByPrefix(prefix: string): Promise<ApiKeyRecord | undefined>;
  abstract touch(id: string, at: Date): Promise<void>;
}

/** Persistence port for system API keys. */
export abstract class ApiKeysRepository extends ApiKeyStore {
  abstract prefixTaken(prefix: string): Promise<boolean>;
  abstract insert(k: NewApiKeyRecord): Promise<ApiKeyRecord>;
  abstract findById(id: string): Promise<ApiKeyRecord | undefined>;
  /** Newest first. */
  abstract list(): Promise<ApiKeyRecord[]>;
  abstract update(id: string, patch: ApiKeyPatch): Promise<void>;
  /** Runs `work` in one transaction, with a repository bound to it. */
  abstract transaction<T>(work: (repo: ApiKeysRepository) => Promise<T>): Promise<T>;
}

const toRecord = (e: ApiKeyEntity): ApiKeyRecord => ({
  id: e.id,
  name: e.name,
  prefix: e.prefix,
  hash: e.hash,
  scopes: e.scopes,
  organizationIds: e.organizationIds,
  createdAt: e.createdAt,
  expiresAt: e.expiresAt,
  revokedAt: e.revokedAt,
  lastUsedAt: e.lastUsedAt,
  replacedBy: e.replacedBy ?? null,
  createdBy: e.createdBy ?? null,
  webhookSecret: e.webhookSecret ?? null,
});

@Injectable()
export class TypeOrmApiKeysRepository extends ApiKeysRepository {
  constructor(@InjectRepository(ApiKeyEntity) private readonly repo: Repository<ApiKeyEntity>) {
    super();
  }

  async findByPrefix(prefix: string): Promise<ApiKeyRecord | undefined> {
    const e = await this.repo.findOneBy({ prefix });
    return e ? toRecord(e) : undefined;
  }

  /** At most one write per key and minute: last_used_at is for operators, not an audit trail. */
  async touch(id: string, at: Date): Promise<void> {
    await this.repo.query(
      `UPDATE gateway.api_key SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '1 minute')`,
      [id, at],
    );
  }

  prefixTaken(prefix: string): Promise<boolean> {
    return this.repo.exist({ where: { prefix } });
  }

  async insert(k: NewApiKeyRecord): Promise<ApiKeyRecord> {
    return toRecord(await this.repo.save(this.repo.create(k)));
  }

  async findById(id: string): Promise<ApiKeyRecord | undefined> {
    const e = await this.repo.findOneBy({ id });
    return e ? toRecord(e) : undefined;
  }

  async list(): Promise<ApiKeyRecord[]> {
    return (await this.repo.find({ order: { createdAt: 'DESC' } })).map(toRecord);
  }

  async update(id: string, patch: ApiKeyPatch): Promise<void> {
    await this.repo.update({ id }, patch);
  }

  transaction<T>(work: (repo: ApiKeysRepository) => Promise<T>): Promise<T> {
    return this.repo.manager.transaction((m) => work(new TypeOrmApiKeysRepository(m.getRepository(ApiKeyEntity))));
  }
}
