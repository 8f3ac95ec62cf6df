import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import type { DevCredentials } from './credentials';

/** The database comment that names the var/dev a dev database belongs to. */
const MARKER_PREFIX = 'kyso-dev install ';

export type DevDatabaseAction = 'create' | 'reuse' | 'adopt' | 'recreate';

/**
 * What the quickstart does with the dev database, given this var/dev's install id and what the
 * database says about itself. A database marked with another id (or unmarked and unknown to this
 * var/dev's credentials) was made by an earlier clone or a deleted var/dev: its operators, API keys
 * and certificates name secrets, keys and a PKI this var/dev does not hold, so it is made again.
 * `legacyOwned`: unmarked (made before the marker existed) but holding this var/dev's demo data.
 */
export function devDatabaseAction(db: {
  exists: boolean;
  marker: string | null;
  installId: string;
  legacyOwned: boolean;
}): DevDatabaseAction {
  if (!db.exists) return 'create';
  if (db.marker === MARKER_PREFIX + db.installId) return 'reuse';
  if (db.marker === null && db.legacyOwned) return 'adopt';
  return 'recreate';
}

/** var/dev/install-id: drawn once when var/dev is new, so a fresh var/dev never matches an old database. */
export function readOrCreateInstallId(devDir: string): string {
  const file = join(devDir, 'install-id');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(devDir, { recursive: true, mode: 0o700 });
  const id = randomBytes(16).toString('hex');
  writeFileSync(file, id + '\n', { mode: 0o600 });
  return id;
}

/** The demo organisation of var/dev/credentials.json, when there is one. */
function credentialsOrganization(devDir: string): string | undefined {
  const file = join(devDir, 'credentials.json');
  if (!existsSync(file)) return undefined;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as DevCredentials).demo.organizationId;
  } catch {
    return undefined;
  }
}

async function holdsOrganization(databaseUrl: string, organizationId: string | undefined): Promise<boolean> {
  if (!organizationId) return false;
  const c = new Client({ connectionString: databaseUrl });
  try {
    await c.connect();
    const r = await c.query('SELECT 1 FROM registry.organization WHERE id::text = $1', [organizationId]);
    return r.rowCount === 1;
  } catch {
    return false; // no registry schema yet: nothing of ours in it
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** Makes sure the dev database exists and belongs to this var/dev; says what it did. */
export async function ensureDevDatabase(databaseUrl: string, devDir: string): Promise<DevDatabaseAction> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name))
    throw new Error(`The dev database name "${name}" must be lower-case letters, digits and "_"`);
  url.pathname = '/postgres';
  const installId = readOrCreateInstallId(devDir);
  if (!/^[0-9a-f]{32}$/.test(installId)) throw new Error(`${join(devDir, 'install-id')} is damaged: delete it`);

  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const found = await admin.query<{ marker: string | null }>(
      "SELECT shobj_description(oid, 'pg_database') AS marker FROM pg_database WHERE datname = $1",
      [name],
    );
    const exists = found.rowCount === 1;
    const marker = exists ? found.rows[0].marker : null;
    const legacyOwned =
      exists && marker === null && (await holdsOrganization(databaseUrl, credentialsOrganization(devDir)));
    const action = devDatabaseAction({ exists, marker, installId, legacyOwned });
    if (action === 'recreate') await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    if (action === 'create' || action === 'recreate') await admin.query(`CREATE DATABASE ${name}`);
    if (action !== 'reuse') await admin.query(`COMMENT ON DATABASE ${name} IS '${MARKER_PREFIX}${installId}'`);
    return action;
  } finally {
    await admin.end();
  }
}

if (require.main === module) {
  const databaseUrl = process.env.KYSO_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kyso';
  const devDir = process.env.KYSO_DEV_DIR ?? 'var/dev';
  const said: Record<DevDatabaseAction, string> = {
    create: 'created',
    reuse: 'kept (it belongs to this var/dev)',
    adopt: 'kept and marked as belonging to this var/dev',
    recreate: 'made again: it held the data of another or a deleted var/dev',
  };
  ensureDevDatabase(databaseUrl, devDir).then(
    (action) => console.log(`kyso: dev database ${new URL(databaseUrl).pathname.slice(1)} ${said[action]}`),
    (e) => {
      console.error(`kyso: dev database failed: ${(e as Error).message}`);
      process.exit(1);
    },
  );
}
