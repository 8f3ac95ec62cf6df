import 'reflect-metadata';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainRows } from './chains';
import { serviceRows } from './service-rows';
import { startSystem } from './system';
import { markdown, Row, writeResults } from './table';

/**
 * `npm run bench`: one table (issue 16.4) with, for every row, Kyso's figure, the reference's
 * figure measured in the same run, the ratio, the target and whether it is met; written to
 * bench/results/latest.{json,md} and into the README between the bench markers. The service rows
 * run against a quickstart instance of their own (var/bench-dev, ports 3170-3175 or KYSO_BENCH_PORT_BASE), load coming
 * from separate processes. `npm run bench -- chains` runs the in-process rows only, `npm run bench -- --only signing`
 * the signing rows only (big document, token rate, 100 KB signing), `npm run bench -- validation` the validation rows
 * only: printed, not recorded (a partial table must not replace the full one). KYSO_BENCH_CPU_PROF=<dir> runs the
 * services under `node --cpu-prof`, their profiles written to <dir> when they stop. Not a test.
 */
const ROOT = join(__dirname, '../../..');
const RESULTS = join(ROOT, 'bench/results');
const README = join(ROOT, 'README.md');
const START = '<!-- bench-results:start -->';
const END = '<!-- bench-results:end -->';

const NOTES = [
  'Service rows go through the gateway of a quickstart instance (one process per service, SoftHSM2 token, Postgres, Redis); load comes from a separate process (bench/load.ts), after a 10 s warm-up of the same load (a freshly started service compiles its hot code and grows its heap during its first seconds of load; the rate during the warm-up is in each note).',
  'Token raw rate: RSA-2048 C_Sign on the same token, 8 at a time, in the bench process. Signing latencies in the Kyso column are whole requests seen by the client.',
  'Big document: the time from the first byte sent to the last byte of the signed PDF received, against `sha256sum` on the same file (each the best of two runs; sha256sum runs once before and once after the two requests); the output is checked with pdfsig. The same straight at the signer shows what the gateway adds. Peak RSS is the process high-water mark (VmHWM).',
  'The machine is shared: the load average in the first line tells how busy it was; ratios are the figures to read.',
  "CPU per file (validation rows): the CPU time (/proc/<pid>/stat) each service process used during the measured 8-client run (after the warm-up) over its requests, and apart that of the PostgreSQL backends serving the bench database; for pdfsig, that of its processes. It does not depend on what else runs on the machine. The token's raw row notes its own CPU per RSA-2048 signature (SoftHSM2 in the bench process).",
  'pdfsig is one process per file, 8 processes at a time, with an NSS database trusting the dev root, measured in two halves of the load time: just before the warm-up of the 8-client row and just after its measured window (its note gives both rates). Chain rows: in-process path validation, every signature verified, against `openssl verify -crl_check_all` over the same 300 PEM chains.',
];

function updateReadme(md: string): void {
  const text = readFileSync(README, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) return;
  writeFileSync(README, `${text.slice(0, a + START.length)}\n${md}\n${text.slice(b)}`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const only = args[0] === '--only' ? args[1] : args[0];
  if (only !== undefined && only !== 'chains' && only !== 'signing' && only !== 'validation') {
    // Bad usage: the message is the answer, not a stack.
    console.error(`bench: unknown selection "${only}" (chains, signing or validation)`);
    process.exitCode = 2;
    return;
  }
  const started = performance.now();
  const work = mkdtempSync(join(tmpdir(), 'kyso-bench-'));
  const rows: Row[] = [];
  try {
    if (only === undefined || only === 'chains') rows.push(...(await chainRows(new Date(), work)));
    if (only !== 'chains') {
      const sys = startSystem(ROOT);
      try {
        rows.push(...(await serviceRows(sys, work, only ?? 'all')));
      } finally {
        sys.stop();
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log(markdown(rows));
  // A partial run prints its rows but leaves the recorded table (all rows of one run) alone.
  if (only) return;
  const md = writeResults(
    RESULTS,
    rows,
    {
      date: new Date().toISOString(),
      machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load average ${loadavg()[0].toFixed(1)} at the end`,
      node: process.version,
    },
    NOTES,
  );
  updateReadme(md);
  console.log(
    `\nwritten to bench/results/latest.{json,md} and README.md, ${Math.round((performance.now() - started) / 1000)} s in all`,
  );
}

main().catch((e) => {
  console.error(`bench failed: ${(e as Error).stack ?? e}`);
  process.exitCode = 1;
});
