import 'reflect-metadata';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { DataSource } from 'typeorm';
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

type Values = Record<string, string | boolean | undefined>;
type Print = (s: string) => void;
const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/kyso';

/** The command's options, or undefined once the usage is printed (exit 2). */
function parseOptions(args: string[], options: ParseArgsConfig['options'], err: Print): Values | undefined {
  try {
    return parseArgs({ args, options }).values as Values;
  } catch (e) {
    err(`${(e as Error).message}\n${USAGE}`);
    return undefined;
  }
}

/** Runs `use` on the gateway's database: a ProblemError below 500 is a refusal (exit 2), anything else a failure (1). */
async function onGatewayDatabase(
  command: string,
  err: Print,
  use: (ds: DataSource) => Promise<number>,
): Promise<number> {
  const ds = gatewayDataSource(url('KYSO_DATABASE_URL', DEFAULT_DATABASE_URL));
  try {
    await ds.initialize();
    return await use(ds);
  } catch (e) {
    const p = e as ProblemError;
    err(`${command} failed: ${p.detail ?? p.message}`);
    return p instanceof ProblemError && p.status < 500 ? 2 : 1;
  } finally {
    if (ds.isInitialized) await ds.destroy();
  }
}

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
  const values = parseOptions(
    rest,
    {
      name: { type: 'string' },
      scopes: { type: 'string' },
      'organization-ids': { type: 'string' },
      'expires-at': { type: 'string' },
      json: { type: 'boolean' },
    },
    err,
  );
  if (!values) return 2;
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
    const databaseUrl = url('KYSO_DATABASE_URL', DEFAULT_DATABASE_URL);
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

async function createOperatorCommand(args: string[], out: Print, err: Print): Promise<number> {
  const v = parseOptions(
    args,
    {
      username: { type: 'string' },
      role: { type: 'string' },
      'organization-id': { type: 'string' },
      'official-id': { type: 'string' },
      'display-name': { type: 'string' },
      'if-absent': { type: 'boolean' },
      json: { type: 'boolean' },
    },
    err,
  );
  if (!v) return 2;
  const password = process.env.KYSO_OPERATOR_PASSWORD;
  if (!v.username || !v.role || !password) {
    err(`${password ? '' : 'KYSO_OPERATOR_PASSWORD must be set\n'}${USAGE}`);
    return 2;
  }
  return onGatewayDatabase('create-operator', err, async (ds) => {
    try {
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
      if (v['if-absent'] && e instanceof ProblemError && e.code === 'USERNAME_TAKEN') {
        out(`operator "${String(v.username)}" exists already: left as it is`);
        return 0;
      }
      throw e;
    }
  });
}

async function rotateWebhookSecretCommand(args: string[], out: Print, err: Print): Promise<number> {
  const v = parseOptions(args, { id: { type: 'string' }, json: { type: 'boolean' } }, err);
  if (!v) return 2;
  const box = secretBoxFromEnv();
  if (!v.id || !box) {
    err(`${box ? '' : 'KYSO_WEBHOOK_SECRET_KEY must be set\n'}${USAGE}`);
    return 2;
  }
  return onGatewayDatabase('rotate-webhook-secret', err, async (ds) => {
    const admin = new ApiKeyAdmin(new TypeOrmApiKeysRepository(ds.getRepository(ApiKeyEntity)), new SystemClock(), box);
    const r = await admin.rotateWebhookSecret(String(v.id));
    out(
      v.json
        ? JSON.stringify(r)
        : `New webhook secret of key ${r.id}:\n${r.webhookSecret}\nStore it now: it cannot be shown again.`,
    );
    return 0;
  });
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
