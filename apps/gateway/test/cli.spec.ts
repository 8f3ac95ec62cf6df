import { randomBytes, randomUUID } from 'node:crypto';
import { createTestDatabase } from '../../../test/support/db';
import { gatewayDataSource, migrateGateway } from '../src/data-source';
import { runCli } from '../src/cli';
import { createApiKey, hashApiKey } from '../src/api-keys';
import { SecretBox } from '../src/webhooks/secret-box';

describe('gateway CLI create-api-key', () => {
  let db: { url: string; drop: () => Promise<void> };
  const saved = process.env.KYSO_DATABASE_URL;

  beforeAll(async () => {
    db = await createTestDatabase('kyso_gwcli');
    await migrateGateway(db.url);
    await migrateGateway(db.url); // rerunning is harmless
    process.env.KYSO_DATABASE_URL = db.url;
  });

  afterAll(async () => {
    process.env.KYSO_DATABASE_URL = saved;
    await db?.drop();
  });

  it('draws another key when the random lookup prefix is already taken', async () => {
    const first = await createApiKey(db.url, { name: 'first', scopes: ['sign'] });
    const taken = Buffer.from(first.prefix + '0'.repeat(56), 'hex');
    // The module object itself (not an import namespace), so api-keys.ts sees the spy.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module object itself, so the spy is seen
    const crypto = require('node:crypto') as typeof import('node:crypto');
    const real = crypto.randomBytes;
    const spy = jest.spyOn(crypto, 'randomBytes').mockImplementationOnce((() => taken) as never);
    try {
      const second = await createApiKey(db.url, { name: 'second', scopes: ['sign'] });
      expect(spy).toHaveBeenCalled();
      expect(second.prefix).not.toBe(first.prefix);
    } finally {
      spy.mockRestore();
    }
    expect(crypto.randomBytes).toBe(real);
  });

  it('prints the key once and stores only its hash', async () => {
    const out: string[] = [];
    const code = await runCli(
      ['create-api-key', '--name', 'dms', '--scopes', 'sign,validate', '--json'],
      (s) => out.push(s),
      () => undefined,
    );
    expect(code).toBe(0);
    const created = JSON.parse(out[0]);
    expect(created.key).toMatch(/^kyso_[0-9a-f]{8}_[0-9a-f]{56}$/);
    expect(created.scopes).toEqual(['sign', 'validate']);
    const ds = gatewayDataSource(db.url);
    await ds.initialize();
    try {
      const rows = await ds.query('SELECT * FROM gateway.api_key WHERE id = $1', [created.id]);
      expect(rows[0].hash).toBe(hashApiKey(created.key));
      expect(JSON.stringify(rows[0])).not.toContain(created.key.slice(14));
      expect(rows[0].scopes).toEqual(['sign', 'validate']);
    } finally {
      await ds.destroy();
    }
  });

  it('refuses unknown scopes and missing names with usage (exit 2)', async () => {
    const err: string[] = [];
    expect(
      await runCli(
        ['create-api-key', '--name', 'x', '--scopes', 'sign,admin'],
        () => undefined,
        (s) => err.push(s),
      ),
    ).toBe(2);
    expect(err.join()).toContain('unknown scope(s): admin');
    expect(
      await runCli(
        ['create-api-key', '--scopes', 'sign'],
        () => undefined,
        () => undefined,
      ),
    ).toBe(2);
    expect(
      await runCli(
        ['nope'],
        () => undefined,
        () => undefined,
      ),
    ).toBe(2);
  });

  it('creates the first admin with the password from the environment, never from argv', async () => {
    const out: string[] = [];
    const err: string[] = [];
    expect(
      await runCli(
        ['create-operator', '--username', 'admin', '--role', 'admin'],
        () => undefined,
        (s) => err.push(s),
      ),
    ).toBe(2);
    expect(err.join()).toContain('KYSO_OPERATOR_PASSWORD');
    process.env.KYSO_OPERATOR_PASSWORD = 'a long admin password';
    try {
      expect(
        await runCli(
          ['create-operator', '--username', 'Admin', '--role', 'admin', '--json'],
          (s) => out.push(s),
          (s) => err.push(s),
        ),
      ).toBe(0);
      expect(JSON.parse(out[0])).toMatchObject({ username: 'admin', roles: [{ role: 'admin', organizationId: null }] });
      expect(
        await runCli(
          ['create-operator', '--username', 'admin', '--role', 'admin'],
          () => undefined,
          (s) => err.push(s),
        ),
      ).toBe(2);
      expect(err.join()).toContain('exists already');
      const rerun: string[] = [];
      expect(
        await runCli(
          ['create-operator', '--username', 'admin', '--role', 'admin', '--if-absent'],
          (s) => rerun.push(s),
          (s) => err.push(s),
        ),
      ).toBe(0);
      expect(rerun.join()).toContain('left as it is');
      const ds = gatewayDataSource(db.url);
      await ds.initialize();
      try {
        const [row] = await ds.query('SELECT password_hash FROM gateway.operator WHERE username = $1', ['admin']);
        expect(row.password_hash).toMatch(/^scrypt\$15\$8\$1\$/);
        expect(row.password_hash).not.toContain('a long admin password');
      } finally {
        await ds.destroy();
      }
    } finally {
      delete process.env.KYSO_OPERATOR_PASSWORD;
    }
  });

  it('prints a webhook secret once with the key, stores it sealed, and rotates it', async () => {
    const dataKey = randomBytes(32).toString('base64');
    const run = async (args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(
        args,
        (s) => out.push(s),
        (s) => err.push(s),
      );
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
    expect((await run(['rotate-webhook-secret', '--id', randomUUID()])).err).toContain('KYSO_WEBHOOK_SECRET_KEY');
    process.env.KYSO_WEBHOOK_SECRET_KEY = dataKey;
    try {
      const created = JSON.parse(
        (await run(['create-api-key', '--name', 'dms', '--scopes', 'validate', '--json'])).out,
      );
      expect(created.webhookSecret).toMatch(/^whsec_/);
      const sealed = async () => {
        const ds = gatewayDataSource(db.url);
        await ds.initialize();
        try {
          return (await ds.query('SELECT webhook_secret FROM gateway.api_key WHERE id = $1', [created.id]))[0]
            .webhook_secret as string;
        } finally {
          await ds.destroy();
        }
      };
      const stored = await sealed();
      expect(stored).not.toContain(created.webhookSecret.slice(6));
      expect(new SecretBox(dataKey).open(stored, created.id)).toBe(created.webhookSecret);
      const rotated = await run(['rotate-webhook-secret', '--id', created.id]);
      expect(rotated.code).toBe(0);
      const fresh = /whsec_\S+/.exec(rotated.out)![0];
      expect(fresh).not.toBe(created.webhookSecret);
      expect(new SecretBox(dataKey).open(await sealed(), created.id)).toBe(fresh);
      expect((await run(['rotate-webhook-secret', '--id', randomUUID()])).code).toBe(2); // unknown key
    } finally {
      delete process.env.KYSO_WEBHOOK_SECRET_KEY;
    }
  });
});
