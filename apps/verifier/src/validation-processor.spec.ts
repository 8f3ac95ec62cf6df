import { FixedClock, webhookEventId, WebhookOutbox, WebhookRequest } from '@kyso/common';
import { DocumentReport, PkiFormatError } from '@kyso/pki';
import { PdfValidator } from './pdf-validator';
import { TrustAnchorSource } from './trust-anchors';
import { VALIDATION_COMPLETED } from './completion-webhook';
import { ValidationProcessor } from './validation-processor';
import { ValidationRepository, ValidationView } from './validation.repository';

const NOW = new Date('2026-12-02T06:00:00Z');
const REPORT = { conclusion: 'TOTAL-PASSED', signatures: [] } as unknown as DocumentReport;

class MemoryValidations extends ValidationRepository {
  rows = new Map<string, ValidationView & { document: Uint8Array | null }>();
  add(id: string, callbackUrl: string | null, callerKind: 'system' | 'operator' = 'system') {
    const owner = { organizationIds: [], callerKind, callerId: 'key-1' };
    this.rows.set(id, {
      ...{ id, status: 'pending', documentSha256: 'ab', report: null, errorCode: null, createdAt: NOW },
      ...{ finishedAt: null, owner, callbackUrl, document: new Uint8Array([1]) },
      ...{ kind: 'pdf' as const, fileName: null, result: null, inbound: null },
    });
  }
  async create(): Promise<void> {}
  async recordInbound(): Promise<void> {}
  async createDone(): Promise<void> {}
  async find(id: string) {
    const r = this.rows.get(id);
    return r && { ...r };
  }
  async loadDocument(id: string) {
    return this.rows.get(id)?.document ?? undefined;
  }
  async markDone(id: string, report: DocumentReport, finishedAt: Date) {
    Object.assign(this.rows.get(id)!, { status: 'done', report, finishedAt, document: null });
  }
  async markFailed(id: string, errorCode: string, finishedAt: Date) {
    Object.assign(this.rows.get(id)!, { status: 'failed', errorCode, finishedAt, document: null });
  }
  async ping() {}
}

class Outbox implements WebhookOutbox {
  queued: WebhookRequest[] = [];
  async check() {}
  async enqueue(r: WebhookRequest) {
    this.queued.push(r);
  }
}

class NoAnchors extends TrustAnchorSource {
  async get() {
    return [];
  }
}
const anchors = new NoAnchors();
const pdf = (verify: () => Promise<DocumentReport>): PdfValidator => ({ checkIsPdf: async () => undefined, verify });

describe('ValidationProcessor webhooks', () => {
  const setup = (verify: () => Promise<DocumentReport> = async () => REPORT) => {
    const repo = new MemoryValidations();
    const outbox = new Outbox();
    const p = new ValidationProcessor(repo, anchors, pdf(verify), undefined, new FixedClock(NOW), undefined, outbox);
    return { repo, outbox, p };
  };

  it('queues validation.completed with the result when a validation with a callback is done', async () => {
    const { repo, outbox, p } = setup();
    repo.add('v1', 'https://dms.example/hook');
    await p.process('v1');
    expect(outbox.queued).toEqual([
      {
        systemId: 'key-1',
        callbackUrl: 'https://dms.example/hook',
        event: {
          id: webhookEventId(VALIDATION_COMPLETED, 'v1'),
          type: VALIDATION_COMPLETED,
          createdAt: NOW.toISOString(),
          data: { id: 'v1', status: 'done', report: REPORT },
        },
      },
    ]);
  });

  it('queues it too when the validation ends failed: unreadable bytes, or retries exhausted', async () => {
    const { repo, outbox, p } = setup(() => Promise.reject(new PkiFormatError('NOT_A_PDF', 'no header')));
    repo.add('v1', 'https://dms.example/hook');
    repo.add('v2', 'https://dms.example/hook');
    await p.process('v1');
    await p.giveUp('v2', 'VALIDATION_UNAVAILABLE');
    expect(outbox.queued.map((q) => q.event.data)).toEqual([
      { id: 'v1', status: 'failed', error: { code: 'NOT_A_PDF' } },
      { id: 'v2', status: 'failed', error: { code: 'VALIDATION_UNAVAILABLE' } },
    ]);
  });

  it('queues the same event again when the job runs again after finishing (the worker died before queuing)', async () => {
    const { repo, outbox, p } = setup();
    repo.add('v1', 'https://dms.example/hook');
    await p.process('v1');
    await p.process('v1');
    expect(outbox.queued).toHaveLength(2);
    expect(outbox.queued[1]).toEqual(outbox.queued[0]);
  });

  it('queues nothing without a callback, or for a caller that is not a system', async () => {
    const { repo, outbox, p } = setup();
    repo.add('v1', null);
    repo.add('v2', 'https://dms.example/hook', 'operator');
    await p.process('v1');
    await p.process('v2');
    expect(outbox.queued).toEqual([]);
  });

  it('fails the job when the event cannot be queued, so the retry queues it', async () => {
    const { repo, outbox, p } = setup();
    repo.add('v1', 'https://dms.example/hook');
    outbox.enqueue = () => Promise.reject(new Error('Redis is down'));
    await expect(p.process('v1')).rejects.toThrow('Redis is down');
    expect(repo.rows.get('v1')!.status).toBe('done');
  });
});
