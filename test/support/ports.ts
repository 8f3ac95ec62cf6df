import { randomInt } from 'node:crypto';
import { createServer } from 'node:net';

/**
 * Below Linux's ephemeral range (32768–60999): a port the OS gives to a `listen(0)` of a test running
 * in parallel, or to an outgoing connection, can never be one handed out here between our check and
 * the service's own bind (a quickstart once found another test's server answering on its port).
 */
const FIRST = 20_000;
const LAST = 32_767;

/** A free loopback port, for services whose URL must be known before they start (written into certificates, or called back). */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = randomInt(FIRST, LAST + 1);
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port found in ${FIRST}-${LAST}`);
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
