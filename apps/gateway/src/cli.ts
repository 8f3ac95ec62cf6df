import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { ProblemError, Role, SystemClock, url } from '@kyso/common';
import { ApiKeyEntity } from './api-key.entity';
import { TypeOrmApiKeysRepository } from './api-keys.repository';
import { gatewayDataSource } from './data-source';
import { ApiKeyAdmin } from './identity/api-key-admin';
import { Operators } from './identity/operators';
import { PgOperatorsRepository } from './identity/operators.repository';
import { createApiKey, isScope, SCOPES, Scope } from './api-keys';
import { secretBoxFromEnv } from './webhooks/secret-box';

const USAGE = `usage: cli create-api-key --name NAME --scopes ${SCOPES.join(',')} [--organization-ids ID,...] [--expires-at ISO-8601] [--json]
         Prints the new key once; only its hash is stored. With KYSO_WEBHOOK_SECRET_KEY set, also the
         key's webhook secret, once (stored sealed with that key).
       cli rotate-webhook-secret --id KEY_ID [--json]
         A new webhook secret for the key, printed once (KYSO_WEBHOOK_SECRET_KEY must be set).
       cli create-operator --username NAME --role ROLE [--organization-id ID] [--official-id ID] [--display-name TEXT] [--if-absent] [--json]
         The password is read from KYSO_OPERATOR_PASSWORD (never a command-line argument: it would show in ps).
         --if-absent: an operator of that name is left as it is (exit 0), for deployment steps that rerun.
         The quickstart creates the first admin with --role admin.
  All use KYSO_DATABASE_URL.`;

/** Runs one command; returns the exit code (0 done, 2 bad usage, 1 failure). */
export async function runCli(
  argv: string[],
  out: (s: string) => void = console.log,
  err: (s: string) => void = console.error,
): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'create-operator') return createOperatorCommand(rest, out, err);
  if (command === 'rotate-webhook-secret') return rotateWebhookSecretCommand(rest, out, err);
  if (command !== 'create-api-key') {
    err(USAGE);
    return 2;
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: rest,
      options: {
        name: { type: 'string' },
        scopes: { type: 'string' },
        'organization-ids': { type: 'string' },
        'expires-at': { type: 'string' },
        json: { type: 'boolean' },
      },
    }).values;
  } catch (e) {
    err(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const name = values.name as string | undefined;
  const scopes = String(values.scopes ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = scopes.filter((s) => !isScope(s));
  const expiresAt = values['expires-at'] ? new Date(String(values['expires-at'])) : undefined;
  if (!name || !scopes.length || bad.length || (expiresAt && Number.isNaN(expiresAt.getTime()))) {
    err(`${bad.length ? `unknown scope(s): ${bad.join(', ')}\n` : ''}${USAGE}`);
    return 2;
  }
  const organizationIds = values['organization-ids']
    ? String(values['organization-ids'])
        .split(',')
        .map((s) => s.trim())
    : undefined;
  try {
    const databaseUrl = url('KYSO_DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/kyso');
    const created = await createApiKey(databaseUrl, { name, scopes: scopes as Scope[], organizationIds, expiresAt });
    const webhook = created.webhookSecret ? `\nWebhook secret:\n${created.webhookSecret}` : '';
    if (values.json) out(JSON.stringify(created));
    else
      out(
        `API key "${created.name}" (id ${created.id}, scopes ${created.scopes.join(',')}):\n${created.key}${webhook}\nStore it now: it cannot be shown again.`,
      );
    return 0;
  } catch (e) {
    err(`create-api-key failed: ${(e as Error).message}`);
    return 1;
  }
}

async function createOperatorCommand(
  args: string[],
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  let v: Record<string, string | boolean | undefined>;
  try {
    v = parseArgs({
      args,
      options: {
        username: { type: 'string' },
        role: { type: 'string' },
        'organization-id': { type: 'string' },
        'official-id': { type: 'string' },
        'display-name': { type: 'string' },
        'if-absent': { type: 'boolean' },
        json: { type: 'boolean' },
      },
    }).values;
  } catch (e) {
    err(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const password = process.env.KYSO_OPERATOR_PASSWORD;
  if (!v.username || !v.role || !password) {
    err(`${password ? '' : 'KYSO_OPERATOR_PASSWORD must be set\n'}${USAGE}`);
    return 2;
  }
  const ds = gatewayDataSource(url('KYSO_DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/kyso'));
  try {
    await ds.initialize();
    const op = await new Operators(new PgOperatorsRepository(ds)).create(
      {
        username: String(v.username),
        displayName: v['display-name'] as string | undefined,
        password,
        officialId: (v['official-id'] as string | undefined) ?? null,
        roles: [{ role: v.role as Role, organizationId: (v['organization-id'] as string | undefined) ?? null }],
      },
      'cli',
    );
    out(v.json ? JSON.stringify(op) : `operator "${op.username}" (id ${op.id}) created with role ${v.role}`);
    return 0;
  } catch (e) {
    const p = e as ProblemError;
    if (v['if-absent'] && p instanceof ProblemError && p.code === 'USERNAME_TAKEN') {
      out(`operator "${String(v.username)}" exists already: left as it is`);
      return 0;
    }
    err(`create-operator failed: ${p.detail ?? p.message}`);
    return p instanceof ProblemError && p.status < 500 ? 2 : 1;
  } finally {
    if (ds.isInitialized) await ds.destroy();
  }
}

async function rotateWebhookSecretCommand(
  args: string[],
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  let v: Record<string, string | boolean | undefined>;
  try {
    v = parseArgs({ args, options: { id: { type: 'string' }, json: { type: 'boolean' } } }).values;
  } catch (e) {
    err(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const box = secretBoxFromEnv();
  if (!v.id || !box) {
    err(`${box ? '' : 'KYSO_WEBHOOK_SECRET_KEY must be set\n'}${USAGE}`);
    return 2;
  }
  const ds = gatewayDataSource(url('KYSO_DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/kyso'));
  try {
    await ds.initialize();
    const admin = new ApiKeyAdmin(new TypeOrmApiKeysRepository(ds.getRepository(ApiKeyEntity)), new SystemClock(), box);
    const r = await admin.rotateWebhookSecret(String(v.id));
    out(
      v.json
        ? JSON.stringify(r)
        : `New webhook secret of key ${r.id}:\n${r.webhookSecret}\nStore it now: it cannot be shown again.`,
    );
    return 0;
  } catch (e) {
    const p = e as ProblemError;
    err(`rotate-webhook-secret failed: ${p.detail ?? p.message}`);
    return p instanceof ProblemError && p.status < 500 ? 2 : 1;
  } finally {
    if (ds.isInitialized) await ds.destroy();
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
