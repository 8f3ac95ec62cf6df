import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DevCredentials } from '../scripts/dev/credentials';

/** The whole system as `npm run quickstart` runs it (one process per service), on the bench's own ports and data. */
export interface BenchSystem {
  gatewayUrl: string;
  /** The signer's own (internal) address, for the row that leaves the gateway out. */
  signerUrl: string;
  credentials: DevCredentials;
  devDir: string;
  /** What the services were started with (the token's configuration, PIN and label among them). */
  env: NodeJS.ProcessEnv;
  /** Peak resident set size (VmHWM) of a service process so far, in bytes. */
  peakRss(service: 'signer' | 'gateway' | 'verifier'): number;
  /** CPU time (user + system) a service process has used so far, in milliseconds. */
  cpuMs(service: Service): number;
  stop(): void;
}

export type Service = 'gateway' | 'signer' | 'verifier' | 'registry';
/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux everywhere we run). */
const USER_HZ = 100;

/** KYSO_BENCH_PORT moves the five ports (the verifier's worker's too) and KYSO_BENCH_DATABASE the database, for two benches side by side. */
const BASE = Number(process.env.KYSO_BENCH_PORT ?? 3170);
const PORTS = { gateway: BASE, signer: BASE + 1, verifier: BASE + 2, registry: BASE + 3 };
const DATABASE = process.env.KYSO_BENCH_DATABASE ?? 'kyso_bench';

/**
 * Starts a second quickstart instance beside any dev one: var/bench-dev, database kyso_bench,
 * ports 3170-3173. The token pool is sized for 8 concurrent clients, and the per-key rate limit is
 * lifted: the bench measures the service, not the limiter.
 */
export function startSystem(root: string): BenchSystem {
  const devDir = join(root, 'var', 'bench-dev');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KYSO_DEV_DIR: devDir,
    KYSO_DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${DATABASE}`,
    KYSO_GATEWAY_PORT: String(PORTS.gateway),
    KYSO_SIGNER_PORT: String(PORTS.signer),
    KYSO_VERIFIER_PORT: String(PORTS.verifier),
    KYSO_REGISTRY_PORT: String(PORTS.registry),
    KYSO_VERIFIER_WORKER_PORT: String(BASE + 4),
    KYSO_QUEUE_PREFIX: DATABASE.replace(/_/g, '-'),
    KYSO_SESSION_POOL_SIZE: '8',
    UV_THREADPOOL_SIZE: '12',
    KYSO_GATEWAY_RATE_SYSTEM_PER_MIN: '10000000',
    // One session lasts a client's whole measured run (the row measures signing with a session).
    KYSO_SIGNING_SESSION_MAX_USES: '10000',
    KYSO_LOG_LEVEL: process.env.KYSO_LOG_LEVEL ?? 'warn',
  };
  execFileSync('bash', [join(root, 'scripts/quickstart.sh')], {
    cwd: root,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const secrets = Object.fromEntries(
    readFileSync(join(devDir, 'secrets.env'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  const pid = (service: string) => readFileSync(join(devDir, 'run', `${service}.pid`), 'utf8').trim();
  return {
    gatewayUrl: `http://127.0.0.1:${PORTS.gateway}`,
    signerUrl: `http://127.0.0.1:${PORTS.signer}`,
    credentials: JSON.parse(readFileSync(join(devDir, 'credentials.json'), 'utf8')) as DevCredentials,
    devDir,
    env: { ...env, ...secrets, SOFTHSM2_CONF: join(devDir, 'softhsm2.conf'), KYSO_TOKEN_LABEL: 'kyso-dev' },
    peakRss(service) {
      const status = readFileSync(`/proc/${pid(service)}/status`, 'utf8');
      const kb = /^VmHWM:\s+(\d+) kB/m.exec(status);
      if (!kb) throw new Error(`no VmHWM for the ${service}`);
      return Number(kb[1]) * 1024;
    },
    cpuMs(service) {
      const stat = readFileSync(`/proc/${pid(service)}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
    },
    stop() {
      execFileSync('bash', [join(root, 'scripts/stop.sh'), '--quiet'], { cwd: root, env, stdio: 'inherit' });
    },
  };
}
