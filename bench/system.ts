import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DevCredentials } from '../scripts/dev/credentials';

export type Service = 'signer' | 'gateway' | 'verifier' | 'verifier-worker' | 'registry';

/**
 * CPU seconds of a process from /proc/<pid>/stat: its own (utime + stime), or its reaped child
 * processes' (cutime + cstime: the bench's pdfsig runs).
 */
export function procCpuSeconds(pid: string | number, whose: 'own' | 'children' = 'own'): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // from field 3 (state) on
  const at = whose === 'own' ? 11 : 13;
  return (Number(f[at]) + Number(f[at + 1])) / 100; // clock ticks: USER_HZ is 100 on Linux
}

/**
 * CPU seconds of the PostgreSQL backends connected to `database` (their titles read
 * "postgres: 15/main: <user> <database> <client> <state>"). The services' pools keep their
 * connections open, so sampling before and after a load counts nearly all of its statements.
 */
function backendsCpuSeconds(database: string): number {
  let sum = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(' ');
      if (title[0] === 'postgres:' && title[3] === database) sum += procCpuSeconds(pid);
    } catch {
      // the process ended while the list was read
    }
  }
  return sum;
}

/** The machine's busy and total CPU ticks so far (/proc/stat, all cores). */
function machineTicks(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - f[3] - (f[4] ?? 0), total }; // idle and iowait are not busy
}

/**
 * Waits until the machine is quiet (under 10 % busy over half a second), 20 s at most: a reference
 * or a load measured while the previous row's leftovers (a 100 MB validation's cleanup, vacuum)
 * still run would be slowed by them. Returns the last busy share seen.
 */
export async function untilQuiet(): Promise<number> {
  let share = 1;
  for (let i = 0; i < 40 && share >= 0.1; i++) {
    const a = machineTicks();
    await new Promise((r) => setTimeout(r, 500));
    const b = machineTicks();
    share = (b.busy - a.busy) / Math.max(1, b.total - a.total);
  }
  return share;
}

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
  peakRss(service: Service): number;
  /** CPU seconds (user + system) a service process used so far: what a load cost it, whatever else ran. */
  cpuSeconds(service: Service): number;
  /** CPU seconds the PostgreSQL backends serving the bench database used so far (their work is Kyso's too). */
  databaseCpuSeconds(): number;
  stop(): void;
}

/**
 * Two benches on one machine (engineers in parallel) must not share ports, database or queues:
 * KYSO_BENCH_PORT_BASE moves the six ports (default 3170-3175), KYSO_BENCH_INSTANCE names its own
 * database and queue prefix.
 */
const BASE = Number(process.env.KYSO_BENCH_PORT_BASE ?? 3170);
const INSTANCE = process.env.KYSO_BENCH_INSTANCE ? `_${process.env.KYSO_BENCH_INSTANCE.replace(/\W/g, '')}` : '';
export const PORTS = {
  gateway: BASE,
  signer: BASE + 1,
  verifier: BASE + 2,
  registry: BASE + 3,
  /** The revocation backlog's CRL server (revocation-backlog.ts). */
  backlog: BASE + 4,
  verifierWorker: BASE + 5,
};

/**
 * Starts a second quickstart instance beside any dev one: var/bench-dev, database kyso_bench,
 * ports 3170-3175 (see PORTS). The token pool is sized for 8 concurrent clients, and the per-key rate limit is
 * lifted: the bench measures the service, not the limiter.
 */
export function startSystem(root: string): BenchSystem {
  const devDir = join(root, 'var', 'bench-dev');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KYSO_DEV_DIR: devDir,
    KYSO_DATABASE_URL: `postgres://postgres@127.0.0.1:5432/kyso_bench${INSTANCE}`,
    KYSO_GATEWAY_PORT: String(PORTS.gateway),
    KYSO_SIGNER_PORT: String(PORTS.signer),
    KYSO_VERIFIER_PORT: String(PORTS.verifier),
    KYSO_REGISTRY_PORT: String(PORTS.registry),
    KYSO_VERIFIER_WORKER_PORT: String(PORTS.verifierWorker),
    KYSO_QUEUE_PREFIX: `kyso-bench${INSTANCE.replace('_', '-')}`,
    // The dev CA (through the gateway) and the revocation backlog's CRL server (revocation-backlog.ts).
    KYSO_REVOCATION_FETCH_ALLOW: `127.0.0.1:${PORTS.gateway},127.0.0.1:${PORTS.backlog}`,
    KYSO_SESSION_POOL_SIZE: '8',
    UV_THREADPOOL_SIZE: '12',
    KYSO_GATEWAY_RATE_SYSTEM_PER_MIN: '10000000',
    // One session lasts a client's whole measured run (the row measures signing with a session).
    KYSO_SIGNING_SESSION_MAX_USES: '10000',
    // Room for the 100 MB validation row (issue 16.3); the defaults stop at 25 MB (gateway) and 50 MB.
    KYSO_GATEWAY_VALIDATE_MAX_BYTES: String(110 * 1024 * 1024),
    KYSO_VERIFIER_MAX_UPLOAD_BYTES: String(110 * 1024 * 1024),
    KYSO_LOG_LEVEL: process.env.KYSO_LOG_LEVEL ?? 'warn',
  };
  // Profiles of the services quickstart starts, written when they stop (bench/main.ts).
  const prof = process.env.KYSO_BENCH_CPU_PROF;
  if (prof) env.KYSO_SERVICE_NODE_ARGS = `--cpu-prof --cpu-prof-dir=${prof}`;
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
    cpuSeconds(service) {
      return procCpuSeconds(pid(service));
    },
    databaseCpuSeconds() {
      return backendsCpuSeconds(`kyso_bench${INSTANCE}`);
    },
    stop() {
      execFileSync('bash', [join(root, 'scripts/stop.sh'), '--quiet'], { cwd: root, env, stdio: 'inherit' });
    },
  };
}
