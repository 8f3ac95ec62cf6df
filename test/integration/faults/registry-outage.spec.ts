import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { INTERNAL_CALL_TIMEOUT_MS } from '@kyso/common';
import { createRegistryApp } from '../../../apps/registry/src/app';
import { createVerifierApp } from '../../../apps/verifier/src/app';
import type { VerifierConfig } from '../../../apps/verifier/src/config';
import { startVerifierWorker, VerifierWorkerHandle } from '../../../apps/verifier/src/worker';
import { signedPdf } from '../../../apps/verifier/test/fixtures';
import { dropQueueKeys } from '../../../apps/verifier/test/support';
import { migrateAll } from '../../../scripts/migrate';
import { createTestDatabase } from '../../support/db';
import { freePort } from '../../support/ports';

/** The verifier's trust-store refresh interval here: the bound on how long a disabled anchor still anchors. */
const REFRESH_MS = 1_000;

interface Answer {
  status: number;
  body: {
    status: string;
    report?: { conclusion: string; trustStore?: { version: number; fetchedAt: string } };
  };
}

/**
 * The real registry (in-process, on a fixed port so it can come back) stopped while the verifier
 * validates (issue 15): validations go on from the verifier's stored trust anchors, every report
 * names the trust-store version it used, and once the registry is back a disabled anchor stops
 * anchoring within the refresh interval.
 */
describe('fault: the registry stopped during validations', () => {
  const prefix = `kyso-fault-reg-${randomBytes(4).toString('hex')}`;
  const internalToken = randomBytes(24).toString('hex');
  let db: { url: string; drop: () => Promise<void> };
  let registryPort: number;
  let registry: NestExpressApplication | undefined;
  let verifier: NestExpressApplication;
  let worker: VerifierWorkerHandle;
  let verifierUrl: string;
  let pdf: Buffer;
  let anchorId: string;

  const registryUrl = () => `http://127.0.0.1:${registryPort}`;
  const startRegistry = async () => {
    registry = await createRegistryApp({ databaseUrl: db.url, internalToken, host: '127.0.0.1', port: registryPort });
    await registry.listen(registryPort, '127.0.0.1');
  };
  /** Stopped for good: keep-alive connections too (a closing server still answers on them). */
  const stopRegistry = async () => {
    const app = registry;
    registry = undefined;
    if (!app) return;
    const closing = app.close();
    (app.getHttpServer() as Server).closeAllConnections();
    await closing;
  };
  const toRegistry = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${registryUrl()}${path}`, {
      method,
      headers: { 'x-kyso-internal-token': internalToken, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await r.json()) as Record<string, unknown>;
  };
  const validate = async (): Promise<Answer> => {
    const form = new FormData();
    form.set('file', new Blob([pdf], { type: 'application/pdf' }), 'signed.pdf');
    const r = await fetch(`${verifierUrl}/validations/pdf?wait=20`, {
      method: 'POST',
      headers: { 'x-kyso-internal-token': internalToken },
      body: form,
    });
    return { status: r.status, body: (await r.json()) as Answer['body'] };
  };

  beforeAll(async () => {
    db = await createTestDatabase('kyso_fault_reg');
    await migrateAll(db.url);
    registryPort = await freePort();
    await startRegistry();
    const signed = await signedPdf();
    pdf = signed.pdf;
    anchorId = (await toRegistry('POST', '/trust-anchors', { name: 'outage root', certificatePem: signed.rootPem }))
      .id as string;
    const config: VerifierConfig = {
      databaseUrl: db.url,
      redisUrl: 'redis://127.0.0.1:6379',
      internalToken,
      host: '127.0.0.1',
      port: 0,
      registryUrl: registryUrl(),
      maxUploadBytes: 5 * 1024 * 1024,
      queuePrefix: prefix,
      trustAnchorsRefreshMs: REFRESH_MS,
      workerConcurrency: 2,
      jobAttempts: 3,
      jobBackoffMs: 200,
      // The test PKI names no CRL or OCSP: revocation is another test's concern.
      revocation: { required: false },
    };
    verifier = await createVerifierApp(config);
    await verifier.listen(0, '127.0.0.1');
    verifierUrl = (await verifier.getUrl()).replace('[::1]', '127.0.0.1');
    worker = await startVerifierWorker(config);
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    await verifier?.close();
    await stopRegistry();
    await db?.drop();
    await dropQueueKeys(`${prefix}:*`);
  });

  it('goes on validating from the stored anchors while the registry is stopped, naming the version used', async () => {
    const first = await validate();
    expect(first.body.report).toMatchObject({
      conclusion: 'TOTAL-PASSED',
      trustStore: { version: expect.any(Number) },
    });
    const version = first.body.report!.trustStore!.version;

    // Validations keep coming, two at a time, while the registry goes away for several refresh intervals.
    const answers: { answer: Answer; registryDown: boolean }[] = [];
    let running = true;
    const client = async () => {
      while (running) {
        const registryDown = !registry;
        answers.push({ answer: await validate(), registryDown });
      }
    };
    const clients = [client(), client()];
    await new Promise((r) => setTimeout(r, 500));
    await stopRegistry();
    await new Promise((r) => setTimeout(r, 3 * REFRESH_MS + 500));
    const ready = await fetch(`${verifierUrl}/health/ready`);
    running = false;
    await Promise.all(clients);

    expect(answers.filter((a) => a.registryDown).length).toBeGreaterThan(0);
    for (const { answer } of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body.report).toMatchObject({ conclusion: 'TOTAL-PASSED', trustStore: { version } });
    }
    // Ready: a stored set serves validations without the registry.
    expect(ready.status).toBe(200);
  }, 90_000);

  it('stops trusting a disabled anchor within the refresh interval once the registry is back', async () => {
    await startRegistry();
    const before = (await validate()).body.report!.trustStore!.version;
    await toRegistry('POST', `/trust-anchors/${anchorId}/disable`, {});
    const disabledAt = Date.now();
    // The documented bound: one refresh interval plus one registry call (a refresh that was still
    // waiting on the stopped registry finishes first), and a margin for a loaded machine.
    const bound = REFRESH_MS + INTERNAL_CALL_TIMEOUT_MS + 2_000;
    let after = await validate();
    while (after.body.report?.conclusion === 'TOTAL-PASSED' && Date.now() - disabledAt < bound) {
      await new Promise((r) => setTimeout(r, 200));
      after = await validate();
    }
    expect(after.status).toBe(200);
    expect(after.body.report!.conclusion).not.toBe('TOTAL-PASSED');
    expect(after.body.report!.trustStore!.version).toBeGreaterThan(before);
  }, 60_000);
});
