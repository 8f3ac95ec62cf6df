import { execFile } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports';

const run = promisify(execFile);
const BIN = process.env.KYSO_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** A PostgreSQL cluster of its own (initdb + pg_ctl in a temp dir) that a fault test may stop and start. */
export interface PgCluster {
  /** The `postgres` database of the cluster (trust auth). */
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  remove(): Promise<void>;
}

/**
 * PostgreSQL refuses to run as root (CI runs as root): the cluster then belongs to the `postgres`
 * user, and its tools run as that user.
 */
async function asOwner(tool: string, args: string[]): Promise<void> {
  const cmd = join(BIN, tool);
  if (userInfo().uid === 0) await run('runuser', ['-u', 'postgres', '--', cmd, ...args]);
  else await run(cmd, args);
}

export async function startPgCluster(): Promise<PgCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'kyso-pg-'));
  const data = join(dir, 'data');
  if (userInfo().uid === 0) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout), Number(gid));
  }
  const port = await freePort();
  await asOwner('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  // Socket in the temp dir, loopback TCP only, no fsync: a throwaway cluster, never the machine's.
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
  const pgCtl = (...args: string[]) =>
    asOwner('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', opts, '-w', ...args]);
  await pgCtl('start');
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    // Fast shutdown: open sessions are terminated (57P01), as in a real restart or failover.
    stop: () => pgCtl('stop', '-m', 'fast'),
    start: () => pgCtl('start'),
    remove: async () => {
      await pgCtl('stop', '-m', 'immediate').catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
