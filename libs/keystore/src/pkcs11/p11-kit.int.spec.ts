import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { join } from 'node:path';
import { createTestToken, setNativeEnv, SOFTHSM_MODULE, TestToken } from '../../../../test/support/token';
import type { KeyInfo } from '../key-store';
import { Pkcs11KeyStore } from './pkcs11-key-store';

/** From Debian's p11-kit-modules: forwards PKCS#11 calls to a `p11-kit server` socket. */
const P11_KIT_CLIENT = '/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-client.so';

/** A token in another process, the stand-in for a network HSM or token host. */
function startServer(token: TestToken, socket: string): ChildProcess {
  // Its own process group: `p11-kit server` forks a child per connection, and an outage kills both.
  return spawn('p11-kit', ['server', '-f', '-n', socket, '--provider', SOFTHSM_MODULE, `pkcs11:token=${token.label}`], {
    env: { ...process.env, SOFTHSM2_CONF: token.conf },
    stdio: 'ignore',
    detached: true,
  });
}

async function waitFor(path: string, present: boolean): Promise<void> {
  for (let i = 0; i < 100 && existsSync(path) !== present; i++) await new Promise((r) => setTimeout(r, 20));
}

function stopServer(server: ChildProcess): void {
  try {
    process.kill(-server.pid!, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

describe('Pkcs11KeyStore through p11-kit (token in another process)', () => {
  let token: TestToken;
  let socket: string;
  let server: ChildProcess;
  let store: Pkcs11KeyStore;
  let key: KeyInfo;

  const signsAndVerifies = async () => {
    const data = randomBytes(100);
    const sig = await (await store.signer(key.ref)).sign(data);
    return verify(
      'sha256',
      data,
      createPublicKey({ key: Buffer.from(key.publicKeySpki), format: 'der', type: 'spki' }),
      sig,
    );
  };

  beforeAll(async () => {
    expect(existsSync(P11_KIT_CLIENT)).toBe(true);
    token = await createTestToken();
    socket = join(token.dir, 'p11-kit.sock');
    server = startServer(token, socket);
    await waitFor(socket, true);
    // The client module reads the address from the real environment.
    await setNativeEnv('P11_KIT_SERVER_ADDRESS', `unix:path=${socket}`);
    store = await Pkcs11KeyStore.open({
      modulePath: P11_KIT_CLIENT,
      tokenLabel: token.label,
      pin: token.pin,
      poolSize: 2,
    });
    key = await store.generateKey({ label: 'remote', id: Buffer.from([7]), algorithm: 'RSASSA-PKCS1-v1_5-SHA256' });
  });

  afterAll(async () => {
    await store?.close();
    if (server) stopServer(server);
    await token?.remove();
  });

  it('signs through the p11-kit client module', async () => {
    expect(await signsAndVerifies()).toBe(true);
    expect(await store.isReady()).toBe(true);
  });

  it('answers TOKEN_UNAVAILABLE while the token host is down, and signs again once it is back', async () => {
    stopServer(server);
    await new Promise((r) => setTimeout(r, 100));
    await expect(signsAndVerifies()).rejects.toMatchObject({ code: 'TOKEN_UNAVAILABLE' });
    // Reconnect attempts fail the same typed way while the host stays down.
    await expect(signsAndVerifies()).rejects.toMatchObject({ code: 'TOKEN_UNAVAILABLE' });
    expect(await store.isReady()).toBe(false);

    server = startServer(token, socket);
    await waitFor(socket, true);
    await new Promise((r) => setTimeout(r, 100));
    expect(await signsAndVerifies()).toBe(true);
    expect(await store.isReady()).toBe(true);
  });
});
