import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PDFDocument } from 'pdf-lib';
import { Client } from 'pg';
import { Pkcs11KeyStore } from '@kyso/keystore';
import { migrateSigner } from '../../../apps/signer/src/data-source';
import { createTestDatabase } from '../../support/db';
import { freePort } from '../../support/ports';
import { createActiveTestToken, SOFTHSM_MODULE, TestToken } from '../../support/token';
import { startSignerStandIns } from './signer-stand-ins';
import { ERROR, runLoad, ServiceProcess, sleep, startServiceProcess, waitUntil, WARN } from './support';

/** From Debian's p11-kit-modules: forwards PKCS#11 calls to a `p11-kit server` socket. */
const P11_KIT_CLIENT = '/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-client.so';
const OFFICIAL = 'official-nguyen-van-a';

/** The token host: SoftHSM2 served over a socket; its own process group, so killing it kills the forks too. */
function startTokenHost(token: TestToken, socket: string): ChildProcess {
  return spawn('p11-kit', ['server', '-f', '-n', socket, '--provider', SOFTHSM_MODULE, `pkcs11:token=${token.label}`], {
    env: { ...process.env, SOFTHSM2_CONF: token.conf },
    stdio: 'ignore',
    detached: true,
  });
}

function killTokenHost(host: ChildProcess): void {
  try {
    process.kill(-host.pid!, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/**
 * The p11-kit token host killed and started again while the signer (its real main.ts, in a child
 * process) signs a dozen documents at a time: 503 TOKEN_UNAVAILABLE meanwhile, signing again
 * afterwards, and every signature made is valid under the official's own certificate.
 */
describe('fault: token host killed during signing', () => {
  const internal = randomBytes(24).toString('hex');
  let token: TestToken;
  let host: ChildProcess;
  let socket: string;
  let db: { url: string; drop: () => Promise<void> };
  let standIns: Awaited<ReturnType<typeof startSignerStandIns>>;
  let signer: ServiceProcess;
  let base: string;
  let pdf: Buffer;

  beforeAll(async () => {
    expect(existsSync(P11_KIT_CLIENT)).toBe(true);
    [token, db] = await Promise.all([createActiveTestToken(), createTestDatabase('kyso_fault')]);
    await migrateSigner(db.url);
    const setup = await Pkcs11KeyStore.open({
      modulePath: token.modulePath,
      tokenLabel: token.label,
      pin: token.pin,
      poolSize: 1,
    });
    const key = await setup.generateKey({
      label: 'nguyen-van-a',
      id: Buffer.from([1]),
      algorithm: 'ECDSA-P256-SHA256',
    });
    // A second key on the same token: a signature must never be made with it.
    await setup.generateKey({ label: 'someone-else', id: Buffer.from([2]), algorithm: 'ECDSA-P256-SHA256' });
    await setup.close();
    standIns = await startSignerStandIns(internal, OFFICIAL, key);
    socket = join(token.dir, 'p11-kit.sock');
    host = startTokenHost(token, socket);
    await waitUntil(async () => existsSync(socket), 5_000, 'the token host socket');
    const doc = await PDFDocument.create();
    doc.addPage([595, 842]);
    pdf = Buffer.from(await doc.save());

    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    signer = startServiceProcess('apps/signer/src/main.ts', {
      KYSO_DATABASE_URL: db.url,
      KYSO_INTERNAL_TOKEN: internal,
      KYSO_SIGNER_PORT: String(port),
      KYSO_REGISTRY_URL: standIns.registry.url,
      KYSO_VERIFIER_URL: standIns.verifierUrl,
      KYSO_PKCS11_MODULE: P11_KIT_CLIENT,
      P11_KIT_SERVER_ADDRESS: `unix:path=${socket}`,
      KYSO_TOKEN_LABEL: token.label,
      KYSO_TOKEN_PIN: token.pin,
      KYSO_SESSION_POOL_SIZE: '4',
    });
    await waitUntil(async () => (await fetch(`${base}/health/ready`)).ok, 150_000, 'the signer is ready');
  }, 180_000);

  afterAll(async () => {
    await signer?.kill();
    if (host) killTokenHost(host);
    await standIns?.close();
    await db?.drop();
    await token?.remove();
  });

  const sign = async () => {
    const form = new FormData();
    form.set('certificateId', 'cert-a');
    form.set('pin', '1234');
    form.set('actingOfficialId', OFFICIAL);
    form.set('file', new Blob([pdf], { type: 'application/pdf' }), 'cong-van.pdf');
    const res = await fetch(`${base}/signatures/pdf`, {
      method: 'POST',
      headers: { 'x-kyso-internal-token': internal },
      body: form,
    });
    const body = Buffer.from(await res.arrayBuffer());
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      id: res.headers.get('x-kyso-signature-id'),
      body,
      code: res.status === 200 ? undefined : (JSON.parse(body.toString()) as { code: string }).code,
    };
  };

  it('answers 503 TOKEN_UNAVAILABLE while the host is gone, logs it once, signs again after, never with another key', async () => {
    const answers: Awaited<ReturnType<typeof sign>>[] = [];
    const logFrom = signer.lines.length;
    const load = runLoad(12, async () => {
      const a = await sign();
      answers.push(a);
      if (a.status === 503) await sleep(100);
    });
    await sleep(1_500);
    killTokenHost(host);
    await sleep(2_000);
    host = startTokenHost(token, socket);
    await sleep(3_000);
    await load.stop();

    await waitUntil(async () => (await fetch(`${base}/health/ready`)).ok, 15_000, 'readiness after the restart');
    const after = await sign();
    expect(after.status).toBe(200);
    expect(signer.child.exitCode).toBeNull();

    expect(answers.filter((a) => a.status !== 200 && a.status !== 503).map((a) => `${a.status} ${a.code}`)).toEqual([]);
    const refused = answers.filter((a) => a.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    for (const a of refused) expect(a).toMatchObject({ code: 'TOKEN_UNAVAILABLE', retryAfter: '5' });

    // Every signature the clients got verifies under the official's certificate.
    const signed = answers.filter((a) => a.status === 200);
    expect(signed.length).toBeGreaterThan(0);
    for (const [i, a] of signed.entries()) {
      const file = join(token.dir, `signed-${i}.pdf`);
      await writeFile(file, a.body);
      const { stdout } = await promisify(execFile)('pdfsig', [file]).catch((e: { stdout: string }) => ({
        stdout: e.stdout,
      }));
      expect(stdout).toContain('Signature is Valid.');
      expect(stdout).toContain('Nguyen Van A');
    }
    // The signer's record agrees with what clients were told: one signed event per signed answer.
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    const rows = (await pg.query(`SELECT id FROM signer.signature_events WHERE outcome = 'signed'`)).rows as {
      id: string;
    }[];
    await pg.end();
    expect(rows.map((r) => r.id).sort()).toEqual([...signed.map((a) => a.id), after.id].sort());

    await waitUntil(
      async () => signer.lines.slice(logFrom).some((l) => /available again/.test(l.msg ?? '')),
      5_000,
      'the recovery line',
    );
    const outage = signer.lines.slice(logFrom);
    expect(outage.filter((l) => l.level >= ERROR)).toEqual([]);
    const warnings = outage.filter((l) => l.level === WARN);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ context: 'Dependencies', msg: expect.stringMatching(/^token unavailable/) });
    expect(outage.filter((l) => /^token available again/.test(l.msg ?? ''))).toHaveLength(1);
  }, 90_000);
});
