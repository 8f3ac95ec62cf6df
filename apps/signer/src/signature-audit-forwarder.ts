import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InternalClient } from '@kyso/common';
import {
  MAX_SIGNATURE_RECORD_BATCH,
  SIGNATURE_RECORDS_PATH,
  signatureRecordBatchAnswer,
  SignatureRecordDto,
} from '@kyso/contracts';
import { DataSource } from 'typeorm';

interface Row {
  id: string;
  signed_at: Date;
  outcome: 'signed' | 'refused';
  refusal_code: string | null;
  refusal_reason: string | null;
  caller_kind: string;
  caller_id: string;
  caller_name: string;
  acting_official_id: string;
  certificate_id: string;
  certificate_serial: string | null;
  document_sha256: string;
  signed_document_sha256: string | null;
  level: string | null;
  purpose: string | null;
  timestamp_time: Date | null;
  signing_session_id: string | null;
  request_id: string | null;
}

const orUndefined = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

const toRecord = (r: Row): SignatureRecordDto => ({
  id: r.id,
  at: r.signed_at.toISOString(),
  outcome: r.outcome,
  refusalCode: orUndefined(r.refusal_code),
  refusalReason: orUndefined(r.refusal_reason),
  caller: { kind: r.caller_kind, id: r.caller_id, name: r.caller_name },
  actingOfficialId: r.acting_official_id,
  certificateId: r.certificate_id,
  certificateSerial: orUndefined(r.certificate_serial),
  documentSha256: r.document_sha256,
  signedDocumentSha256: orUndefined(r.signed_document_sha256),
  level: orUndefined(r.level),
  purpose: orUndefined(r.purpose),
  timestampTime: r.timestamp_time?.toISOString(),
  signingSessionId: orUndefined(r.signing_session_id),
  requestId: orUndefined(r.request_id),
});

/**
 * The outbox of signing attempts (issue 12.7). Every attempt is committed in signer.signature_events
 * before its caller is answered; this forwards them in batches to the registry, which records them
 * with one hash-chained audit entry each, and marks them forwarded once the registry confirmed.
 * A registry outage delays the audit, never loses it, and never slows signing: the chain's lock is
 * taken once per batch, off the signing path. Delivery is at least once; the registry ignores ids it
 * already holds.
 */
export class SignatureAuditForwarder implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('SignatureAuditForwarder');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  /** Consecutive failed runs: one log line when forwarding stops, one when it resumes; retries back off. */
  private failures = 0;

  constructor(
    private readonly db: DataSource,
    private readonly registry: InternalClient,
    private readonly intervalMs: number,
  ) {}

  onApplicationBootstrap(): void {
    const tick = () => {
      const delay = Math.min(this.intervalMs * 2 ** Math.min(this.failures, 8), 30_000);
      this.timer = setTimeout(async () => {
        await this.flush().then(
          () => {
            if (this.failures) this.log.log('signature audit forwarding resumed');
            this.failures = 0;
          },
          (e: unknown) => {
            if (!this.failures++)
              this.log.warn(
                `signature audit not forwarded yet (kept, retrying with backoff): ${(e as Error)?.message || String(e)}`,
              );
          },
        );
        if (this.timer) tick();
      }, delay);
      this.timer.unref();
    };
    tick();
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
    // Best effort: what is left stays in the outbox for the next start.
    await this.flush().catch(() => undefined);
  }

  /** Forwards everything pending, batch after batch; answers how many were forwarded. One run at a time. */
  flush(): Promise<number> {
    this.running ??= this.drain().finally(() => (this.running = undefined));
    return this.running;
  }

  private async drain(): Promise<number> {
    let forwarded = 0;
    for (;;) {
      const rows: Row[] = await this.db.query(
        `SELECT * FROM signer.signature_events WHERE forwarded_at IS NULL ORDER BY signed_at, id LIMIT $1`,
        [MAX_SIGNATURE_RECORD_BATCH],
      );
      if (!rows.length) return forwarded;
      await this.registry.json('POST', SIGNATURE_RECORDS_PATH, signatureRecordBatchAnswer, {
        records: rows.map(toRecord),
      });
      await this.db.query(`UPDATE signer.signature_events SET forwarded_at = now() WHERE id = ANY ($1::uuid[])`, [
        rows.map((r) => r.id),
      ]);
      forwarded += rows.length;
      if (rows.length < MAX_SIGNATURE_RECORD_BATCH) return forwarded;
    }
  }
}
