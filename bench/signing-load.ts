/**
 * Load generator for signing through the gateway (issue 12.5), meant to run in its own process so
 * the load does not share an event loop with the services it measures. Each of `concurrency`
 * clients opens a signing session with the PIN before the measured signatures start, then signs the
 * PDF with the session token in a loop until `requests` signatures are made in all. By default a
 * session is asked for every signature a client makes (warm-up included), so the figures are those
 * of signing with a session; the registry caps it at KYSO_SIGNING_SESSION_MAX_USES, and a client
 * whose session is spent opens another inside the measured window (counted in sessionOpenings).
 *
 *   node var/bench-dist/bench/signing-load.js --url http://127.0.0.1:3000 --api-key kyso_... \
 *     --certificate-id <uuid> --official-id <uuid> --pin 123456 --pdf file.pdf \
 *     [--concurrency 8] [--requests 800] [--warmup 40] [--session <uses>]
 *
 * Prints one JSON line: {signaturesPerSecond, p50Ms, p99Ms, signatures, errors, busy, sessionOpenings}.
 * Latencies are of the session signatures only (openings pay the PIN's scrypt on purpose).
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Agent, FormData, request } from 'undici';

interface Options {
  url: string;
  apiKey: string;
  certificateId: string;
  officialId: string;
  pin: string;
  pdf: Buffer;
  concurrency: number;
  requests: number;
  warmup: number;
  session: number;
}

function options(argv: string[]): Options {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) args.set(argv[i].replace(/^--/, ''), argv[i + 1]);
  const need = (k: string) => {
    const v = args.get(k);
    if (!v) throw new Error(`--${k} is required`);
    return v;
  };
  const num = (k: string, d: number) => (args.has(k) ? Number(args.get(k)) : d);
  return {
    url: need('url').replace(/\/$/, ''),
    apiKey: need('api-key'),
    certificateId: need('certificate-id'),
    officialId: need('official-id'),
    pin: need('pin'),
    pdf: readFileSync(need('pdf')),
    concurrency: num('concurrency', 8),
    requests: num('requests', 800),
    warmup: num('warmup', 40),
    session: num('session', Math.ceil((num('warmup', 40) + num('requests', 800)) / num('concurrency', 8))),
  };
}

type Outcome = { status: number; token?: string; remaining?: number; ms: number };

async function sign(o: Options, agent: Agent, credential: Record<string, string>): Promise<Outcome> {
  const form = new FormData();
  form.append('file', new Blob([o.pdf], { type: 'application/pdf' }), 'bench.pdf');
  form.append('certificateId', o.certificateId);
  form.append('actingOfficialId', o.officialId);
  for (const [k, v] of Object.entries(credential)) form.append(k, v);
  const started = performance.now();
  const res = await request(`${o.url}/api/v1/signatures/pdf`, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${o.apiKey}` },
    dispatcher: agent,
  });
  await res.body.arrayBuffer();
  const ms = performance.now() - started;
  const token = res.headers['kyso-signing-session'];
  const remaining = res.headers['kyso-signing-session-remaining'];
  return {
    status: res.statusCode,
    token: typeof token === 'string' ? token : undefined,
    remaining: typeof remaining === 'string' ? Number(remaining) : undefined,
    ms,
  };
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0;

async function main(): Promise<void> {
  const o = options(process.argv.slice(2));
  const agent = new Agent({ connections: o.concurrency, pipelining: 1 });
  let left = o.warmup + o.requests;
  let measuredFrom = 0;
  const latencies: number[] = [];
  let errors = 0;
  let busy = 0;
  let openings = 0;
  let done = 0;

  // Openings pay the PIN's scrypt, queued per certificate in the registry: one at a time.
  let openingChain: Promise<unknown> = Promise.resolve();
  const open = () => {
    const next = openingChain.then(() => sign(o, agent, { pin: o.pin, session: String(o.session) }));
    openingChain = next.catch(() => undefined);
    return next;
  };

  const openSession = async () => {
    const opened = await open();
    openings++;
    if (opened.status !== 200 || !opened.token) throw new Error(`opening a session answered ${opened.status}`);
    return { token: opened.token, remaining: opened.remaining ?? 0 };
  };
  // Every client's first session is opened before the load starts.
  const first = [];
  for (let i = 0; i < o.concurrency; i++) first.push(await openSession());

  const client = async (start: { token: string; remaining: number }) => {
    let token: string | undefined = start.token;
    let remaining = start.remaining;
    while (left > 0) {
      if (!token || remaining <= 0) {
        ({ token, remaining } = await openSession());
        continue;
      }
      left--;
      const r = await sign(o, agent, { signingSession: token });
      done++;
      if (done === o.warmup) measuredFrom = performance.now();
      if (r.status === 200) {
        remaining = r.remaining ?? remaining - 1;
        if (done > o.warmup) latencies.push(r.ms);
      } else if (r.status === 503) {
        busy++;
      } else {
        errors++;
        token = undefined;
      }
    }
  };
  if (o.warmup === 0) measuredFrom = performance.now();
  await Promise.all(first.map(client));
  const seconds = (performance.now() - measuredFrom) / 1000;
  await agent.close();
  latencies.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10) / 10;
  process.stdout.write(
    JSON.stringify({
      signaturesPerSecond: round(latencies.length / seconds),
      p50Ms: round(percentile(latencies, 50)),
      p99Ms: round(percentile(latencies, 99)),
      signatures: latencies.length,
      errors,
      busy,
      sessionOpenings: openings,
    }) + '\n',
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`signing-load: ${(e as Error).message}\n`);
  process.exit(1);
});
