import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { scenarioCas } from '@kyso/pki';
import { BullRevocationJobs } from '../apps/verifier/src/revocation/revocation-queue';
import { PORTS, type BenchSystem } from './system';
import { limitRow, Row } from './table';

const CHECKS = 10_000;
const URLS = 50;
/** Checks in flight at once: a burst the size of a busy morning, without 10,000 sockets to Redis at once. */
const IN_FLIGHT = 1_000;
const WAIT_MS = 120_000;

/**
 * Issue 16.3's revocation backlog: 10,000 CRL checks over 50 distinct URLs put on the running
 * system's revocation queue (as validations needing downloads do), the URLs served by a local
 * server that counts its downloads. Every URL should be downloaded once in the freshness period
 * (the run lasts far less than it): the row's figure is the most downloads one URL got; the note
 * gives the drain time. URLs are new per run, so an earlier run's cache cannot answer them.
 */
export async function revocationBacklogRow(sys: BenchSystem): Promise<Row> {
  const { sub } = await scenarioCas({ keyAlgorithm: 'ECDSA-P256', now: new Date() });
  const crl = Buffer.from(await sub.issueCrl({ thisUpdate: new Date(Date.now() - 60_000) }));
  const downloads = new Map<string, number>();
  const server = createServer((req, res) => {
    downloads.set(req.url ?? '', (downloads.get(req.url ?? '') ?? 0) + 1);
    res.writeHead(200, { 'content-type': 'application/pkix-crl', 'content-length': crl.length }).end(crl);
  });
  await new Promise<void>((ok) => server.listen(PORTS.backlog, '127.0.0.1', ok));
  const jobs = BullRevocationJobs.open({
    redisUrl: sys.env.KYSO_REDIS_URL ?? 'redis://127.0.0.1:6379',
    prefix: sys.env.KYSO_QUEUE_PREFIX!,
    attempts: 3,
    backoffMs: 1000,
  });
  try {
    const run = randomBytes(4).toString('hex');
    const port = (server.address() as AddressInfo).port;
    const urls = Array.from({ length: URLS }, (_, i) => `http://127.0.0.1:${port}/crl/${run}/${i}.crl`);
    let next = 0;
    let failed = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        for (let i = next++; i < CHECKS; i = next++) await jobs.fetchCrl(urls[i % URLS], WAIT_MS).catch(() => failed++);
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    const counts = urls.map((u) => downloads.get(new URL(u).pathname) ?? 0);
    const most = Math.max(...counts);
    const never = counts.filter((c) => c === 0).length;
    return limitRow(
      `Revocation backlog: ${CHECKS.toLocaleString('en-US')} checks over ${URLS} URLs (downloads of the most fetched URL)`,
      {
        value: most,
        unit: '',
        note:
          `drained in ${seconds.toFixed(1)} s, ${Math.round(CHECKS / seconds)} checks/s, ` +
          `${counts.reduce((a, b) => a + b, 0)} downloads in all` +
          (never ? `, ${never} URLs never fetched` : '') +
          (failed ? `, ${failed} checks failed` : ''),
      },
      { name: 'one download per URL per freshness period', value: 1, unit: '' },
    );
  } finally {
    await jobs.close();
    await new Promise((ok) => server.close(ok));
  }
}
