import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import type { DevCredentials } from '../../scripts/dev/credentials';
import { freePort } from '../support/ports';
import { REPO_ROOT } from '../support/repo-files';

const ADMIN_URL = process.env.KYSO_TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** A bound, not a speed test: one run builds, migrates, seeds and starts four services. */
const RUN_LIMIT_MS = 8 * 60_000;

/**
 * The repository's sources (uncommitted ones included) in `dest`, sharing its node_modules: the
 * quickstart builds into the copy's dist/, never under tests or services that use the repository's.
 */
function copyRepo(dest: string): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  for (const f of files.split('\0').filter(Boolean)) {
    if (!existsSync(join(REPO_ROOT, f))) continue; // deleted, not yet committed
    mkdirSync(dirname(join(dest, f)), { recursive: true });
    copyFileSync(join(REPO_ROOT, f), join(dest, f));
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dest, 'node_modules'));
}

/** Runs a script of the copy with this instance's environment; resolves with its exit code and output. */
function runScript(
  repo: string,
  script: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_LIMIT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/**
 * The real quickstart twice on one dev database, with var/dev wiped in between (as after a second
 * clone, or `rm -rf var/dev`), then once more unchanged: in a copy of the repository, on its own
 * ports, database, var dir and queue prefix, so it runs beside a developer's own quickstart.
 */
describe('npm run quickstart, again after var/dev is gone', () => {
  const database = `kyso_qs_${randomBytes(4).toString('hex')}`;
  const varDir = mkdtempSync(join(tmpdir(), 'kyso-quickstart-'));
  const repo = join(varDir, 'repo');
  const devDir = join(varDir, 'dev');
  let env: NodeJS.ProcessEnv;

  const credentials = () => JSON.parse(readFileSync(join(devDir, 'credentials.json'), 'utf8')) as DevCredentials;
  const login = (c: DevCredentials, password = c.operators.find((o) => o.username === 'admin')!.password) =>
    fetch(`${c.gatewayUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
  /** Every service pid a run wrote, killed at the end even when its var dir is gone or a step failed. */
  const started = new Set<number>();
  const notePids = () => {
    const run = join(devDir, 'run');
    if (!existsSync(run)) return;
    for (const f of readdirSync(run).filter((f) => f.endsWith('.pid')))
      started.add(Number(readFileSync(join(run, f), 'utf8')));
  };
  /** The Unix-domain sockets the services listen on besides their ports (KYSO_USE_SOCKETS, default on). */
  const sockets = () =>
    readdirSync(join(devDir, 'run'))
      .filter((f) => f.endsWith('.sock'))
      .sort();
  const quickstart = async () => {
    const r = await runScript(repo, 'scripts/quickstart.sh', env);
    notePids();
    if (r.code !== 0) throw new Error(`quickstart exited with ${r.code}:\n${r.output.slice(-4000)}`);
    return r.output;
  };
  const answers = async (c: DevCredentials) => {
    const ready = await fetch(`${c.gatewayUrl}/health/ready`);
    expect(ready.status).toBe(200);
    const session = await login(c);
    expect(session.status).toBe(200);
    expect(((await session.json()) as { accessToken?: unknown }).accessToken).toEqual(expect.any(String));
    const official = c.demo.officials[0];
    const read = await fetch(`${c.gatewayUrl}/api/v1/officials/${official.id}`, {
      headers: { authorization: `Bearer ${c.apiKey}` },
    });
    expect(read.status).toBe(200);
    expect(((await read.json()) as { id?: unknown }).id).toBe(official.id);
  };

  beforeAll(async () => {
    copyRepo(repo);
    const [gateway, signer, verifier, registry, worker] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    env = { ...process.env };
    delete env.NODE_ENV;
    Object.assign(env, {
      KYSO_DEV_DIR: devDir,
      KYSO_DATABASE_URL: ADMIN_URL.replace(/\/[^/]*$/, `/${database}`),
      KYSO_GATEWAY_PORT: String(gateway),
      KYSO_SIGNER_PORT: String(signer),
      KYSO_VERIFIER_PORT: String(verifier),
      KYSO_REGISTRY_PORT: String(registry),
      KYSO_VERIFIER_WORKER_PORT: String(worker),
      KYSO_QUEUE_PREFIX: `kyso-qs-${randomBytes(4).toString('hex')}`,
    });
  });

  afterAll(async () => {
    await runScript(repo, 'scripts/stop.sh', env);
    for (const pid of started) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* stopped already */
      }
    }
    const admin = new Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
    rmSync(varDir, { recursive: true, force: true });
  });

  it(
    'recreates the dev database of a deleted var/dev, keeps its own, and the services answer each time',
    async () => {
      expect(await quickstart()).toContain(`dev database ${database} created`);
      const first = credentials();
      expect(first.gatewayUrl).toBe(`http://127.0.0.1:${env.KYSO_GATEWAY_PORT}`);
      expect(sockets()).toEqual(['registry.sock', 'signer.sock', 'verifier.sock']);
      await answers(first);

      expect((await runScript(repo, 'scripts/stop.sh', env)).code).toBe(0);
      rmSync(devDir, { recursive: true, force: true });
      expect(await quickstart()).toContain(`dev database ${database} made again`);
      const second = credentials();
      expect(second.apiKey).not.toBe(first.apiKey);
      await answers(second);
      const oldAdmin = await login(second, first.operators.find((o) => o.username === 'admin')!.password);
      expect(oldAdmin.status).toBe(401); // the earlier install's data is gone

      const third = await quickstart();
      expect(third).toContain(`dev database ${database} kept (it belongs to this var/dev)`);
      expect(third).toContain('demo data already present');
      expect(credentials()).toEqual(second);
      await answers(second);

      const stopped = await runScript(repo, 'scripts/stop.sh', env);
      expect(stopped.code).toBe(0);
      await expect(fetch(`${second.gatewayUrl}/health/ready`)).rejects.toThrow();
      expect(sockets()).toEqual([]);
    },
    3 * RUN_LIMIT_MS,
  );
});
