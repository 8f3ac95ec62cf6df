import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SHARE_ENV, Worker } from 'node:worker_threads';

const run = promisify(execFile);

export const SOFTHSM_MODULE = process.env.KYSO_PKCS11_MODULE ?? '/usr/lib/softhsm/libsofthsm2.so';

export interface TestToken {
  /** Path of this token's own SoftHSM2 config: set `process.env.SOFTHSM2_CONF` to it before the module is initialised. */
  conf: string;
  dir: string;
  label: string;
  pin: string;
  soPin: string;
  modulePath: string;
  remove(): Promise<void>;
}

/**
 * Sets an environment variable where native code (SoftHSM2's getenv at C_Initialize) sees it.
 * Under jest, `process.env` is a sandbox copy: assigning to it never reaches the real environment.
 * A worker sharing the process environment (SHARE_ENV) writes the real one.
 */
export async function setNativeEnv(name: string, value: string): Promise<void> {
  process.env[name] = value;
  await new Promise<void>((resolve, reject) => {
    const w = new Worker(`process.env[${JSON.stringify(name)}] = ${JSON.stringify(value)};`, {
      eval: true,
      env: SHARE_ENV,
    });
    w.once('error', reject);
    w.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`setNativeEnv worker exited with ${code}`))));
  });
}

/**
 * Creates a token and points SOFTHSM2_CONF at it for the native module (see setNativeEnv).
 * C_Initialize reads the config: call this before opening a key store on SoftHSM2.
 */
export async function createActiveTestToken(label?: string): Promise<TestToken> {
  const token = await createTestToken(label);
  await setNativeEnv('SOFTHSM2_CONF', token.conf);
  return token;
}

/**
 * A throwaway SoftHSM2 token in a temp directory with its own config file, so tests never touch
 * the machine's tokens or each other's. SoftHSM2 reads SOFTHSM2_CONF at C_Initialize.
 */
export async function createTestToken(label = `kyso-test-${randomBytes(3).toString('hex')}`): Promise<TestToken> {
  const dir = await mkdtemp(join(tmpdir(), 'kyso-token-'));
  const tokens = join(dir, 'tokens');
  await mkdir(tokens);
  const conf = join(dir, 'softhsm2.conf');
  await writeFile(
    conf,
    `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`,
  );
  const pin = '123456';
  const soPin = '12345678';
  await run('softhsm2-util', ['--init-token', '--free', '--label', label, '--so-pin', soPin, '--pin', pin], {
    env: { ...process.env, SOFTHSM2_CONF: conf },
  });
  return {
    conf,
    dir,
    label,
    pin,
    soPin,
    modulePath: SOFTHSM_MODULE,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
