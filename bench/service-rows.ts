import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, createReadStream, createWriteStream, openAsBlob, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { request } from 'undici';
import { formatKeyUri, Pkcs11KeyStore } from '@kyso/keystore';
import { writeBigPdf } from '../test/support/big-pdf';
import { MEASURING, multipartEnvelope, type LoadResult, type LoadSpec } from './load';
import { procCpuSeconds, untilQuiet, type BenchSystem, type Service } from './system';
import { revocationBacklogRow } from './revocation-backlog';
import { limitRow, ratioRow, Row } from './table';

const run = promisify(execFile);
/** Decimal megabytes: a "100 MB" document (10^8 bytes) fits the 100 MiB default limit with its form around it. */
const MB = 1_000_000;
const CLIENTS = 8;
/** Uses asked for per signing session; the registry caps it (the bench instance allows 10,000). */
const SESSION_USES = 10_000;
const SIGNING_SERVICES = ['gateway', 'signer', 'registry', 'verifier'] as const;
/** Seconds of load per measured case. */
const LOAD_SECONDS = Number(process.env.KYSO_BENCH_LOAD_SECONDS ?? 5);
/**
 * Seconds of the same load before each measured case: the services were started by the bench a
 * minute earlier, and a freshly started Node.js service spends its first ~10 s of load compiling
 * its hot code and growing its heap (docs/performance.md, "Warm services"), which one in
 * production has long done. The rate during the warm-up is shown in the row's note.
 */
const WARMUP_SECONDS = Number(process.env.KYSO_BENCH_WARMUP_SECONDS ?? 10);

/** CPU seconds each of `services` has used so far. */
const cpuNow = (sys: BenchSystem, services: readonly Service[]) => services.map((s) => sys.cpuSeconds(s));

/** CPU milliseconds each of `services` used since `before` (from cpuNow), per one of `units`. */
function cpuMsPer(sys: BenchSystem, services: readonly Service[], before: number[], units: number): number[] {
  return services.map((s, i) => ((sys.cpuSeconds(s) - before[i]) * 1000) / units);
}

/** CPU ms per unit the bench database's PostgreSQL backends used since `before`. */
const databaseMsPer = (sys: BenchSystem, before: number, units: number) =>
  ((sys.databaseCpuSeconds() - before) * 1000) / units;

/** Monotonic microseconds, the clock of V8's CPU profiles (Linux CLOCK_MONOTONIC). */
const profileClock = () => Number(process.hrtime.bigint() / 1000n);

/**
 * Runs bench/load.js as a separate process: the clients' CPU is not the services'. `measuring` is
 * called when its warm-up is over; the result is its last line. Under KYSO_BENCH_CPU_PROF each
 * load's window is appended to <dir>/windows.jsonl, so a profile can be read for that load alone.
 */
function load(spec: LoadSpec, measuring?: () => void): Promise<LoadResult> {
  const start = profileClock();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, 'load.js'), JSON.stringify(spec)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (measuring && out.includes(`${MEASURING}\n`)) {
        measuring();
        measuring = undefined;
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const prof = process.env.KYSO_BENCH_CPU_PROF;
      if (prof) {
        const window = { url: spec.url, concurrency: spec.concurrency, startUs: start, endUs: profileClock() };
        appendFileSync(join(prof, 'windows.jsonl'), `${JSON.stringify(window)}\n`);
      }
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code === 0) resolve(JSON.parse(last) as LoadResult);
      else reject(new Error(`load exited with ${code}`));
    });
  });
}

const latencies = (r: LoadResult) =>
  `p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms` +
  (r.clientCpuMs !== undefined ? `, load client ${r.clientCpuMs.toFixed(1)} ms CPU per request` : '') +
  (r.failures ? `, ${r.failures} failed ${JSON.stringify(r.failureStatuses)}` : '') +
  (r.warmupPerSecond !== undefined ? `; ${r.warmupPerSecond.toFixed(0)} /s during the warm-up` : '');

/** RSA-2048 signatures per second straight on the bench system's token, `CLIENTS` at a time. */
async function tokenRawRate(sys: BenchSystem): Promise<{ perSecond: number; cpuMs: number }> {
  process.env.SOFTHSM2_CONF = sys.env.SOFTHSM2_CONF; // read by SoftHSM2 when this process loads it
  const store = await Pkcs11KeyStore.open({
    modulePath: sys.env.KYSO_PKCS11_MODULE ?? '/usr/lib/softhsm/libsofthsm2.so',
    tokenLabel: sys.env.KYSO_TOKEN_LABEL!,
    pin: sys.env.KYSO_TOKEN_PIN!,
    poolSize: CLIENTS,
  });
  try {
    const ref = { uri: formatKeyUri({ token: sys.env.KYSO_TOKEN_LABEL!, object: 'bench-raw-rsa' }) };
    if (!(await store.findKey(ref)))
      await store.generateKey({ label: 'bench-raw-rsa', id: randomBytes(8), algorithm: 'RSASSA-PKCS1-v1_5-SHA256' });
    const signer = await store.signer(ref);
    const data = randomBytes(64);
    let n = 0;
    const until = async (end: number, count: boolean) => {
      while (performance.now() < end) {
        await signer.sign(data);
        if (count) n++;
      }
    };
    const warm = performance.now() + 500;
    await Promise.all(Array.from({ length: CLIENTS }, () => until(warm, false)));
    const start = performance.now();
    const cpu = process.cpuUsage(); // SoftHSM2 signs in this process, on libuv's threads
    const end = start + LOAD_SECONDS * 1000;
    await Promise.all(Array.from({ length: CLIENTS }, () => until(end, true)));
    const used = process.cpuUsage(cpu);
    return { perSecond: n / ((performance.now() - start) / 1000), cpuMs: (used.user + used.system) / 1000 / n };
  } finally {
    await store.close();
  }
}

/** Signs one file through the gateway, streaming it up and the answer to `out`; returns the seconds taken. */
function signThroughGateway(sys: BenchSystem, file: string, out: string): Promise<number> {
  return signAt(
    `${sys.gatewayUrl}/api/v1/signatures/pdf`,
    { authorization: `Bearer ${sys.credentials.apiKey}` },
    sys,
    file,
    out,
  );
}

async function signAt(
  url: string,
  headers: Record<string, string>,
  sys: BenchSystem,
  file: string,
  out: string,
): Promise<number> {
  const official = sys.credentials.demo.officials[0];
  const fields = { certificateId: official.certificateId, actingOfficialId: official.id, pin: official.pin };
  // The form's fields, then the file streamed from disk, then the closing boundary: as curl -F sends it.
  const boundary = `kyso-bench-${randomBytes(12).toString('hex')}`;
  const { head, tail } = multipartEnvelope(fields, boundary);
  const size = statSync(file).size;
  async function* body() {
    yield head;
    yield* createReadStream(file, { highWaterMark: 4 * MB });
    yield tail;
  }
  const start = performance.now();
  const res = await request(url, {
    method: 'POST',
    headers: {
      ...headers,
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': String(head.length + size + tail.length),
    },
    body: Readable.from(body(), { objectMode: false }),
    headersTimeout: 600_000,
    bodyTimeout: 600_000,
  });
  if (res.statusCode !== 200) throw new Error(`signing ${file} answered ${res.statusCode}: ${await res.body.text()}`);
  await pipeline(res.body, createWriteStream(out, { highWaterMark: 4 * MB }));
  return (performance.now() - start) / 1000;
}

/** pdfsig's verdict with an NSS database trusting the bench system's root. */
async function pdfsigOk(nssDir: string, file: string): Promise<boolean> {
  // -no-ocsp: pdfsig has no OCSP cache, and its fetches would go to the system under test.
  const out = await run('pdfsig', ['-nssdir', `sql:${nssDir}`, '-no-ocsp', file], { maxBuffer: 1024 * 1024 }).catch(
    (e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }),
  );
  return out.stdout.includes('Signature is Valid.');
}

async function nssTrusting(dir: string, rootPem: string): Promise<string> {
  const nss = join(dir, 'nss');
  await run('mkdir', ['-p', nss]);
  await run('certutil', ['-N', '-d', `sql:${nss}`, '--empty-password']);
  await run('certutil', ['-A', '-d', `sql:${nss}`, '-n', 'root', '-t', 'CT,C,C', '-i', rootPem]);
  return nss;
}

/** pdfsig's files and CPU over one stretch of `seconds`, `CLIENTS` processes at a time, one process per file. */
interface PdfsigStretch {
  files: number;
  seconds: number;
  cpuSeconds: number;
}

async function pdfsigStretch(nss: string, file: string, seconds: number): Promise<PdfsigStretch> {
  let n = 0;
  const cpu = procCpuSeconds('self', 'children');
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < end) {
        if (!(await pdfsigOk(nss, file))) throw new Error('pdfsig did not accept the bench document');
        n++;
      }
    }),
  );
  return {
    files: n,
    seconds: (performance.now() - start) / 1000,
    cpuSeconds: procCpuSeconds('self', 'children') - cpu,
  };
}

/** Seconds sha256sum takes over `file`. */
async function sha256sumSeconds(file: string): Promise<number> {
  const t = performance.now();
  await run('sha256sum', [file]);
  return (performance.now() - t) / 1000;
}

/** Which service rows to run: all, or the signing or validation rows only (`npm run bench -- --only signing`, `-- validation`). */
export type ServiceSections = 'all' | 'signing' | 'validation';

/** The rows measured through the running system (gateway, services, token), load from separate processes. */
export async function serviceRows(sys: BenchSystem, work: string, sections: ServiceSections = 'all'): Promise<Row[]> {
  const nss = await nssTrusting(work, join(sys.devDir, 'pki', 'root.pem'));
  const rows: Row[] = [];
  if (sections !== 'validation') rows.push(...(await signingRows(sys, work, nss)));
  if (sections !== 'signing') rows.push(...(await validationRows(sys, work, nss)));
  return rows;
}

/** Signing: a 100 MB document (rate and peak RSS), then 100 KB documents at 8 clients. */
async function signingRows(sys: BenchSystem, work: string, nss: string): Promise<Row[]> {
  const rows: Row[] = [];
  const official = sys.credentials.demo.officials[0];
  const signUrl = `${sys.gatewayUrl}/api/v1/signatures/pdf`;

  // Big documents first, so the services' peak RSS is theirs (issue 12.6).
  const big = join(work, 'big.pdf');
  await writeBigPdf(big, 100 * MB);
  const size = statSync(big).size;
  const bigOut = join(work, 'big-signed.pdf');
  // Best of two on both sides: the first big request of fresh processes also pays their warm-up.
  // sha256sum runs once before and once after the two requests, as pdfsig brackets the validation
  // window: this machine's speed moves within a minute, and the ratio should compare like with like.
  const shaBefore = await sha256sumSeconds(big);
  const seconds = Math.min(await signThroughGateway(sys, big, bigOut), await signThroughGateway(sys, big, bigOut));
  const reference = size / MB / Math.min(shaBefore, await sha256sumSeconds(big));
  const valid = await pdfsigOk(nss, bigOut);
  rows.push(
    ratioRow(
      'Sign a 100 MB PDF through the gateway (MB/s, upload to last byte)',
      {
        value: valid ? size / MB / seconds : null,
        unit: 'MB/s',
        note: valid ? undefined : 'pdfsig refused the output',
      },
      { name: 'sha256sum', value: reference, unit: 'MB/s' },
      0.5,
    ),
  );
  // The same straight at the signer (internal call): what the gateway's proxying costs on top.
  const direct = await signAt(
    sys.signerUrl + '/signatures/pdf',
    { 'x-kyso-internal-token': sys.env.KYSO_INTERNAL_TOKEN! },
    sys,
    big,
    bigOut,
  );
  rows.push(
    ratioRow(
      'Sign a 100 MB PDF at the signer itself, no gateway (MB/s)',
      { value: (await pdfsigOk(nss, bigOut)) ? size / MB / direct : null, unit: 'MB/s' },
      { name: 'sha256sum', value: reference, unit: 'MB/s' },
      null,
    ),
  );
  const rssLimit = { name: '2 × size + 150 MB', value: (2 * size) / MB + 150, unit: 'MB' };
  for (const service of ['signer', 'gateway'] as const)
    rows.push(
      limitRow(
        `Peak RSS of the ${service} while signing 100 MB`,
        { value: sys.peakRss(service) / MB, unit: 'MB' },
        rssLimit,
      ),
    );

  // Token and signing rates: 100 KB documents, 8 clients.
  const small = join(work, 'small.pdf');
  await writeBigPdf(small, 100 * 1024);
  const raw = await tokenRawRate(sys);
  const rawRef = {
    name: `token raw RSA-2048, ${CLIENTS} concurrent`,
    value: raw.perSecond,
    unit: '/s',
    note: `CPU per signature ${raw.cpuMs.toFixed(2)} ms`,
  };
  const fields = { certificateId: official.certificateId, actingOfficialId: official.id, pin: official.pin };
  const base = {
    url: signUrl,
    apiKey: sys.credentials.apiKey,
    fields,
    file: small,
    seconds: LOAD_SECONDS,
    warmupSeconds: WARMUP_SECONDS,
  };
  const withPin = await load({ ...base, concurrency: CLIENTS });
  rows.push(
    ratioRow(
      `Sign 100 KB, PAdES B-B, PIN on every request, ${CLIENTS} clients (/s)`,
      { value: withPin.perSecond, unit: '/s', note: latencies(withPin) },
      rawRef,
      null,
    ),
  );
  // CPU per signature of each service process over the measured run, to see where it goes.
  let cpuBefore: number[] = [];
  let dbBefore = 0;
  const withSession = await load({ ...base, concurrency: CLIENTS, session: SESSION_USES }, () => {
    cpuBefore = cpuNow(sys, SIGNING_SERVICES);
    dbBefore = sys.databaseCpuSeconds();
  });
  const cpu = cpuMsPer(sys, SIGNING_SERVICES, cpuBefore, withSession.requests).map(
    (ms, i) => `${SIGNING_SERVICES[i]} ${ms.toFixed(1)}`,
  );
  cpu.push(`PostgreSQL ${databaseMsPer(sys, dbBefore, withSession.requests).toFixed(1)}`);
  rows.push(
    ratioRow(
      `Sign 100 KB, PAdES B-B, signing session, ${CLIENTS} clients (/s)`,
      withSession.sessionAvailable === false
        ? { value: null, unit: '/s', note: 'not available (no Kyso-Signing-Session header)' }
        : {
            value: withSession.perSecond,
            unit: '/s',
            note:
              `${latencies(withSession)}; sessions opened with the PIN in the warm-up, ` +
              `${withSession.openings ?? 0} opened in the measured run; CPU ms per signature: ${cpu.join(', ')}`,
          },
      rawRef,
      0.5,
    ),
  );
  return rows;
}

/**
 * A signed 100 MB document validated through the gateway (first, so the verifier's peak RSS is
 * this document's): the peak RSS of the verifier and of its worker against 2 × size + 150 MB.
 */
async function bigValidationRows(sys: BenchSystem, work: string): Promise<Row[]> {
  const big = join(work, 'big-v.pdf');
  const signed = join(work, 'big-v-signed.pdf');
  await writeBigPdf(big, 100 * MB);
  await signThroughGateway(sys, big, signed);
  const size = statSync(signed).size;
  const form = new FormData();
  form.append('file', await openAsBlob(signed, { type: 'application/pdf' }), 'big.pdf');
  const auth = { authorization: `Bearer ${sys.credentials.apiKey}` };
  const start = performance.now();
  let res = await fetch(`${sys.gatewayUrl}/api/v1/validations/pdf?wait=60`, {
    method: 'POST',
    headers: auth,
    body: form,
  });
  let body = (await res.json()) as { status?: string; report?: { conclusion: string } };
  const location = `${sys.gatewayUrl}${res.headers.get('location')}`;
  for (let i = 0; i < 300 && res.status < 300 && body.status === 'pending'; i++) {
    await new Promise((ok) => setTimeout(ok, 1000));
    res = await fetch(location, { headers: auth });
    body = (await res.json()) as typeof body;
  }
  const seconds = (performance.now() - start) / 1000;
  const outcome =
    res.status === 200 && body.report
      ? `${body.report.conclusion} in ${seconds.toFixed(1)} s`
      : `answered ${res.status} ${body.status ?? JSON.stringify(body).slice(0, 80)}`;
  const rssLimit = { name: '2 × size + 150 MB', value: (2 * size) / MB + 150, unit: 'MB' };
  return (['verifier', 'verifier-worker'] as const).map((service) =>
    limitRow(
      `Peak RSS of the ${service} while validating a signed 100 MB PDF`,
      { value: sys.peakRss(service) / MB, unit: 'MB', note: outcome },
      rssLimit,
    ),
  );
}

/** The processes a validation goes through, for its CPU cost per file. */
const VALIDATION_SERVICES = ['gateway', 'verifier', 'verifier-worker', 'registry'] as const;

/** Validation of a signed 50 KB document (issue 16.3), revocation from the dev CA, against pdfsig. */
async function validationRows(sys: BenchSystem, work: string, nss: string): Promise<Row[]> {
  const rows: Row[] = await bigValidationRows(sys, work);
  const unsigned = join(work, 'fifty.pdf');
  const signed = join(work, 'fifty-signed.pdf');
  await writeBigPdf(unsigned, 50 * 1024);
  await signThroughGateway(sys, unsigned, signed);
  // pdfsig runs in two halves, just before Kyso's warm-up and just after its measured window, so that
  // the reference sees the machine as it was around Kyso's run (its speed drifts within a minute
  // here: docs/performance.md, "References bracketing the measured window").
  await untilQuiet();
  const pdfsigBefore = await pdfsigStretch(nss, signed, LOAD_SECONDS / 2);
  const validate = {
    url: `${sys.gatewayUrl}/api/v1/validations/pdf`,
    apiKey: sys.credentials.apiKey,
    fields: {},
    file: signed,
    seconds: LOAD_SECONDS,
    warmupSeconds: WARMUP_SECONDS,
  };
  await untilQuiet();
  // CPU per file of each service process over the measured run (after the warm-up).
  let cpuBefore: number[] = [];
  let dbBefore = 0;
  const eight = await load({ ...validate, concurrency: CLIENTS }, () => {
    cpuBefore = cpuNow(sys, VALIDATION_SERVICES);
    dbBefore = sys.databaseCpuSeconds();
  });
  const cpuMs = cpuMsPer(sys, VALIDATION_SERVICES, cpuBefore, eight.requests);
  const dbMs = databaseMsPer(sys, dbBefore, eight.requests);
  await untilQuiet();
  const pdfsigAfter = await pdfsigStretch(nss, signed, LOAD_SECONDS / 2);
  const pdfsigFiles = pdfsigBefore.files + pdfsigAfter.files;
  const pdfsig = pdfsigFiles / (pdfsigBefore.seconds + pdfsigAfter.seconds);
  const pdfsigMs = ((pdfsigBefore.cpuSeconds + pdfsigAfter.cpuSeconds) * 1000) / pdfsigFiles;
  const halves = [pdfsigBefore, pdfsigAfter].map((h) => (h.files / h.seconds).toFixed(1)).join(' before, ');
  const cpuNote =
    `; CPU per file ${cpuMs.reduce((a, b) => a + b, 0).toFixed(1)} ms (` +
    VALIDATION_SERVICES.map((s, i) => `${s} ${cpuMs[i].toFixed(1)}`).join(', ') +
    `) + PostgreSQL ${dbMs.toFixed(1)} ms`;
  rows.push(
    ratioRow(
      `Validate a signed 50 KB PDF, ${CLIENTS} clients (files/s)`,
      { value: eight.perSecond, unit: '/s', note: latencies(eight) + cpuNote },
      {
        name: `pdfsig, ${CLIENTS} processes at a time`,
        value: pdfsig,
        unit: '/s',
        note: `CPU per file ${pdfsigMs.toFixed(1)} ms; ${halves} after Kyso's window`,
      },
      5,
    ),
  );
  await untilQuiet();
  const one = await load({ ...validate, concurrency: 1 });
  rows.push(
    limitRow(
      'Validate a signed 50 KB PDF, 1 client: p50 latency',
      { value: one.p50Ms, unit: 'ms', note: latencies(one) },
      { name: 'target', value: 10, unit: 'ms' },
    ),
  );
  rows.push(await revocationBacklogRow(sys));
  return rows;
}
