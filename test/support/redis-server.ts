import { ChildProcess, spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { freePort } from './ports';

/** A redis-server of its own (no persistence) that a fault test may stop and start on the same port. */
export interface RedisServer {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port }, () => (s.end(), resolve(true)));
    s.on('error', () => resolve(false));
  });

/**
 * `durableDir`: an append-only file there, written through on every command (as a queue's Redis
 * must be run), so a killed server comes back with what it had acknowledged.
 */
export async function startRedisServer(durableDir?: string): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const persistence = durableDir
    ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', durableDir]
    : ['--appendonly', 'no'];
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence], {
      stdio: 'ignore',
    });
    for (let i = 0; i < 100 && !(await answers(port)); i++) await new Promise((r) => setTimeout(r, 50));
  };
  const stop = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => (c.once('exit', () => resolve()), c.kill('SIGKILL')));
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, stop, start };
}
