import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { ReadinessCheck, runChecks } from '@kyso/common';
import type { JobQueue } from './job-queue';
import type { QueueName } from './jobs';
import type { WorkerMetrics } from './worker-metrics';

export interface WorkerHealthOptions {
  port: number;
  /** Readiness checks of the worker's dependencies (Redis, Postgres). */
  checks: Record<string, ReadinessCheck>;
  queues: JobQueue<QueueName>[];
  /** A queue whose oldest waiting job is older than this counts as stalled: not ready. */
  stallMs: number;
  metrics: WorkerMetrics;
  now?: () => number;
}

export interface QueueState {
  depth: number;
  active: number;
  oldestJobAgeMs: number | null;
}

/**
 * The worker's own HTTP listener, on loopback only (it has no API; an operator's probe or
 * Prometheus on the host reads it): `/health` (the process runs), `/health/ready` (Redis,
 * Postgres, each queue's depth and oldest waiting job, 503 when a dependency is down or a queue
 * stalls) and `/metrics`. Plain node:http: a Nest HTTP app here would be a second API surface.
 */
export async function startWorkerHealth(opts: WorkerHealthOptions): Promise<{ port: number; close(): Promise<void> }> {
  const now = opts.now ?? Date.now;
  const ready = async () => {
    const queues: Record<string, QueueState> = {};
    const checks: Record<string, ReadinessCheck> = { ...opts.checks };
    for (const q of opts.queues)
      checks[`queue:${q.name}`] = async () => {
        const b = await q.backlog();
        const age = b.oldestWaitingAt === undefined ? null : Math.max(0, now() - b.oldestWaitingAt);
        queues[q.name] = { depth: b.depth, active: b.active, oldestJobAgeMs: age };
        if (age !== null && age > opts.stallMs)
          throw new Error(`oldest waiting job is ${age} ms old (limit ${opts.stallMs} ms)`);
      };
    const result = await runChecks(checks);
    return { status: result.ok ? 'ready' : 'not-ready', checks: result.checks, queues };
  };
  const server: Server = createServer((req, res) => {
    const send = (status: number, type: string, body: string) =>
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') return send(405, 'text/plain', 'GET only');
    if (path === '/health') return send(200, 'application/json', JSON.stringify({ status: 'ok' }));
    if (path === '/health/ready')
      return void ready().then(
        (r) => send(r.status === 'ready' ? 200 : 503, 'application/json', JSON.stringify(r)),
        (e: Error) => send(503, 'application/json', JSON.stringify({ status: 'not-ready', error: e.message })),
      );
    if (path === '/metrics')
      return void opts.metrics.registry.metrics().then(
        (m) => send(200, opts.metrics.registry.contentType, m),
        (e: Error) => send(500, 'text/plain', e.message),
      );
    send(404, 'text/plain', 'not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
