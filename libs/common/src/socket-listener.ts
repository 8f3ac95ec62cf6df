import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { connect } from 'node:net';

/** Owner only: the services of one host run as one user (scripts/quickstart.sh). */
export const SOCKET_MODE = 0o600;

/**
 * Serves `server`'s requests on a Unix-domain socket as well (KYSO_<SERVICE>_SOCKET): a second HTTP
 * server with the same timeouts, each request handed to `server`'s own request listeners (Express,
 * Nest and any lean handler in front of them, as they are at that moment). Closed with `server`.
 *
 * A socket file left by a process that is gone is removed first; one that answers is another
 * process's (refused, as a port in use), and a path that is not a socket is never removed. The file
 * is made owner-only before the promise resolves; the directory should be private as well (the run
 * directory, mode 700), since the mode is set just after the bind.
 */
export async function listenOnSocket(server: Server, path: string): Promise<Server> {
  await removeStaleSocket(path);
  const unix = createServer((req: IncomingMessage, res: ServerResponse) => server.emit('request', req, res));
  unix.keepAliveTimeout = server.keepAliveTimeout;
  unix.headersTimeout = server.headersTimeout;
  unix.requestTimeout = server.requestTimeout;
  unix.timeout = server.timeout;
  unix.maxHeadersCount = server.maxHeadersCount;
  await new Promise<void>((resolve, reject) => {
    unix.once('error', reject);
    unix.listen(path, () => {
      unix.off('error', reject);
      resolve();
    });
  });
  try {
    chmodSync(path, SOCKET_MODE);
  } catch (e) {
    unix.close();
    throw e;
  }
  server.once('close', () => {
    unix.closeAllConnections();
    unix.close();
  });
  return unix;
}

async function removeStaleSocket(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (!isSocket) throw new Error(`${path} exists and is not a socket; not removed`);
  const live = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (live) throw new Error(`${path} is in use by another process`);
  unlinkSync(path);
}
