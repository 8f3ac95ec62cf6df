import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Pool, request } from 'undici';

/**
 * The load generator, run as its own process (`node load.js '<LoadSpec JSON>'`) so that the
 * clients' work is not counted against the services: `concurrency` clients post the same
 * multipart form in a loop for `seconds` after a warm-up; `measuring` is printed when the measured run
 * starts and one JSON line with the rate and latencies at its end.
 */
export interface LoadSpec {
  url: string;
  apiKey: string;
  fields: Record<string, string>;
  file: string;
  concurrency: number;
  seconds: number;
  /**
   * Seconds of load before the measured run (1 by default): a service just started runs its first
   * thousands of requests while V8 still compiles its hot code and its heap grows to its working
   * size, which a service in production has long finished.
   */
  warmupSeconds?: number;
  /**
   * Signing sessions (issue 12.4): each client first signs with `fields` plus `session=<n>` and then
   * sends `signingSession=<token>` instead of the PIN, asking for a new session when one is spent.
   * The first session of every client is opened during the warm-up and kept for the measured run,
   * so the figures are those of signing with a session, not of the PIN check (scrypt) that opens it.
   */
  session?: number;
}

export interface LoadResult {
  requests: number;
  failures: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** False when session mode was asked for and the service gave no Kyso-Signing-Session header. */
  sessionAvailable?: boolean;
  /** Status codes of failures, for the bench's message. */
  failureStatuses: Record<string, number>;
  /** Session mode: sessions opened with the PIN during the measured run (0 when each lasted). */
  openings?: number;
  /** CPU milliseconds the load process itself spent per request of the measured run (it shares the machine). */
  clientCpuMs?: number;
  /** Successful requests per second during the warm-up: what the service managed while warming. */
  warmupPerSecond?: number;
}

export const SESSION_HEADER = 'kyso-signing-session';
/** The line printed when the warm-up is over; the result follows as the last line. */
export const MEASURING = 'measuring';

/** What goes before and after the file's bytes in a multipart/form-data body of `fields` and one file. */
export function multipartEnvelope(fields: Record<string, string>, boundary: string): { head: Buffer; tail: Buffer } {
  let head = '';
  for (const [k, v] of Object.entries(fields)) {
    head += `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
  }
  head += `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.pdf"\r\n`;
  head += 'Content-Type: application/pdf\r\n\r\n';
  return { head: Buffer.from(head), tail: Buffer.from(`\r\n--${boundary}--\r\n`) };
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  const file = readFileSync(spec.file);
  const boundary = `kyso-bench-${randomBytes(12).toString('hex')}`;
  // Keep-alive connections, one per client, as a load tool (autocannon, wrk) would hold them.
  const dispatcher = new Pool(new URL(spec.url).origin, { connections: spec.concurrency });
  const bodies = new Map<string, Buffer>();
  const bodyOf = (fields: Record<string, string>) => {
    const key = JSON.stringify(fields);
    let body = bodies.get(key);
    if (!body) {
      if (bodies.size > 64) bodies.clear(); // session tokens change; keep the cache small
      const { head, tail } = multipartEnvelope(fields, boundary);
      body = Buffer.concat([head, file, tail]);
      bodies.set(key, body);
    }
    return body;
  };
  const post = async (fields: Record<string, string>) => {
    const res = await request(spec.url, {
      method: 'POST',
      dispatcher,
      headers: {
        authorization: `Bearer ${spec.apiKey}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
      body: bodyOf(fields),
    });
    await res.body.arrayBuffer();
    const session = res.headers[SESSION_HEADER];
    return { status: res.statusCode, ok: res.statusCode >= 200 && res.statusCode < 300, session };
  };
  const withoutPin = Object.fromEntries(Object.entries(spec.fields).filter(([k]) => k !== 'pin'));
  const latencies: number[] = [];
  const failureStatuses: Record<string, number> = {};
  let failures = 0;
  let warmupDone = 0;
  let sessionAvailable: boolean | undefined;

  /** Each client's session token, kept from the warm-up into the measured run. */
  const sessions: (string | null)[] = Array.from({ length: spec.concurrency }, () => null);
  let openings = 0;
  const client = async (i: number, end: { at: number }, counted: boolean) => {
    let session = sessions[i];
    while (performance.now() < end.at) {
      const asked = spec.session !== undefined && session === null;
      const fields = asked
        ? { ...spec.fields, session: String(spec.session) }
        : spec.session !== undefined
          ? { ...withoutPin, signingSession: session! }
          : spec.fields;
      const t = performance.now();
      const res = await post(fields);
      const ms = performance.now() - t;
      if (asked && counted) openings++;
      if (asked && res.ok) {
        // Only a signed answer says whether sessions exist; a failed one (busy, timeout) is counted below.
        session = typeof res.session === 'string' ? res.session : null;
        sessionAvailable = session !== null;
        if (!session) return;
      }
      if (res.status >= 200 && res.status < 300) {
        if (counted) latencies.push(ms);
        else warmupDone++;
      } else {
        if (counted) failures++;
        if (counted) failureStatuses[res.status] = (failureStatuses[res.status] ?? 0) + 1;
        session = null; // spent or expired: the next request asks for a new one with the PIN
      }
    }
    sessions[i] = session;
  };
  // A warm-up (connections, JIT, caches, the heap's size), then the measured run.
  const warmupMs = (spec.warmupSeconds ?? 1) * 1000;
  const warmupStart = performance.now();
  await Promise.all(
    Array.from({ length: spec.concurrency }, (_, i) => client(i, { at: warmupStart + warmupMs }, false)),
  );
  const warmupPerSecond = warmupDone / ((performance.now() - warmupStart) / 1000);
  if (sessionAvailable === false)
    return {
      requests: 0,
      failures: 0,
      perSecond: 0,
      p50Ms: 0,
      p99Ms: 0,
      sessionAvailable,
      failureStatuses,
      openings,
    };
  // Tells the bench the measured run starts (it reads the services' CPU counters then and at the end).
  process.stdout.write(`${MEASURING}\n`);
  const cpu = process.cpuUsage();
  const start = performance.now();
  const end = { at: start + spec.seconds * 1000 };
  await Promise.all(Array.from({ length: spec.concurrency }, (_, i) => client(i, end, true)));
  const elapsed = (performance.now() - start) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  await dispatcher.close();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  return {
    requests: latencies.length + failures,
    failures,
    perSecond: latencies.length / elapsed,
    p50Ms: pct(0.5),
    p99Ms: pct(0.99),
    sessionAvailable,
    failureStatuses,
    openings,
    clientCpuMs: (user + system) / 1000 / Math.max(1, latencies.length + failures),
    warmupPerSecond,
  };
}

if (require.main === module) {
  run(JSON.parse(process.argv[2]) as LoadSpec).then(
    (r) => console.log(JSON.stringify(r)),
    (e) => {
      console.error(`load failed: ${(e as Error).stack ?? e}`);
      process.exitCode = 1;
    },
  );
}
