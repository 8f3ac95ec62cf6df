import { hash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { ApiKeyEntity } from './api-key.entity';
import { ApiKeysRepository, TypeOrmApiKeysRepository } from './api-keys.repository';
import { gatewayDataSource } from './data-source';
import { generateWebhookSecret, SecretBox, secretBoxFromEnv } from './webhooks/secret-box';

/** What a key may do; a route names the one scope it needs. */
export const SCOPES = ['sign', 'validate', 'registry:read', 'registry:write'] as const;
export type Scope = (typeof SCOPES)[number];
export const isScope = (s: string): s is Scope => (SCOPES as readonly string[]).includes(s);

const KEY_PATTERN = /^kyso_([0-9a-f]{8})_([0-9a-f]{56})$/;

/**
 * A new key `kyso_<prefix>_<secret>`: 256 random bits in hex, the first 8 characters being the
 * prefix used to find the row. With that much entropy a single SHA-256 is enough to store it.
 */
export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const random = randomBytes(32).toString('hex');
  const prefix = random.slice(0, 8);
  const key = `kyso_${prefix}_${random.slice(8)}`;
  return { key, prefix, hash: hashApiKey(key) };
}

/** Hashed on every request that presents a key: the one-shot hash, without a Hash object per call. */
export function hashApiKey(key: string): string {
  return hash('sha256', key, 'hex');
}

/** The lookup prefix of a well-formed key, or undefined. */
export function apiKeyPrefix(key: string): string | undefined {
  return KEY_PATTERN.exec(key)?.[1];
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface NewApiKey {
  name: string;
  scopes: Scope[];
  organizationIds?: string[];
  expiresAt?: Date;
  /** Who created it (an admin operator id, or "cli"). */
  createdBy?: string;
}

export interface CreatedApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  expiresAt: Date | null;
  /** The key itself: shown once, never stored. */
  key: string;
  /** The secret webhooks to this system are signed with: shown once, stored sealed. Absent without KYSO_WEBHOOK_SECRET_KEY. */
  webhookSecret?: string;
}

const MAX_PREFIX_DRAWS = 5;

/** Makes a key and stores its hash; with `box`, a webhook secret too (sealed). */
export async function issueApiKey(repo: ApiKeysRepository, opts: NewApiKey, box?: SecretBox): Promise<CreatedApiKey> {
  if (!opts.name.trim()) throw new Error('An API key needs a name');
  if (!opts.scopes.length) throw new Error('An API key needs at least one scope');
  const unknown = opts.scopes.filter((s) => !isScope(s));
  if (unknown.length) throw new Error(`Unknown scope(s): ${unknown.join(', ')}; known: ${SCOPES.join(', ')}`);
  // The 32-bit lookup prefix is unique: draw again on the rare collision rather than fail the insert.
  let generated = generateApiKey();
  for (let i = 0; i < MAX_PREFIX_DRAWS && (await repo.prefixTaken(generated.prefix)); i++) generated = generateApiKey();
  const { key, prefix, hash } = generated;
  // The id is drawn here: the sealed webhook secret is bound to it.
  const id = randomUUID();
  const webhookSecret = box ? generateWebhookSecret() : undefined;
  const row = await repo.insert({
    id,
    name: opts.name.trim(),
    prefix,
    hash,
    scopes: [...new Set(opts.scopes)],
    organizationIds: opts.organizationIds ?? [],
    expiresAt: opts.expiresAt ?? null,
    createdBy: opts.createdBy ?? null,
    webhookSecret: webhookSecret && box ? box.seal(webhookSecret, id) : null,
  });
  const created = {
    id: row.id,
    name: row.name,
    prefix,
    scopes: row.scopes as Scope[],
    expiresAt: row.expiresAt ?? null,
  };
  return webhookSecret ? { ...created, key, webhookSecret } : { ...created, key };
}

/**
 * Creates a key in the migrated gateway schema at `databaseUrl` (quickstart, tests, the CLI), with a
 * webhook secret when KYSO_WEBHOOK_SECRET_KEY is set (or `box` is given).
 */
export async function createApiKey(
  databaseUrl: string,
  opts: NewApiKey,
  box: SecretBox | undefined = secretBoxFromEnv(),
): Promise<CreatedApiKey> {
  const ds = gatewayDataSource(databaseUrl);
  await ds.initialize();
  try {
    return await issueApiKey(new TypeOrmApiKeysRepository(ds.getRepository(ApiKeyEntity)), opts, box);
  } finally {
    await ds.destroy();
  }
}
