import { Injectable } from '@nestjs/common';
import type { Caller, ProblemDetails } from '@kyso/common';
import { DataSource } from 'typeorm';

export type BatchStatus = 'pending' | 'running' | 'done';
export type ItemStatus = 'pending' | 'signing' | 'done' | 'failed';

export interface Batch {
  id: string;
  status: BatchStatus;
  caller: Caller;
  /** The form's fields without the credential (pin, session, signingSession) and callbackUrl. */
  fields: Record<string, string>;
  /** The signing session the items spend; cleared when the batch is done. */
  sessionToken: string | null;
  callbackUrl: string | null;
  total: number;
  requestId: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  expiresAt: Date | null;
}

export interface BatchItem {
  index: number;
  status: ItemStatus;
  fileName: string;
  size: number;
  /** The current signing attempt: the request id of its signature event (how a resumed worker finds it). */
  attemptId: string | null;
  signatureId: string | null;
  error: ProblemDetails | null;
}

interface BatchRow {
  id: string;
  status: BatchStatus;
  caller: Caller;
  fields: Record<string, string>;
  session_token: string | null;
  callback_url: string | null;
  total: number;
  request_id: string | null;
  created_at: Date;
  finished_at: Date | null;
  expires_at: Date | null;
}

interface ItemRow {
  index: number;
  status: ItemStatus;
  file_name: string;
  size: string;
  attempt_id: string | null;
  signature_id: string | null;
  error: ProblemDetails | null;
}

const toBatch = (r: BatchRow): Batch => ({
  id: r.id,
  status: r.status,
  caller: r.caller,
  fields: r.fields,
  sessionToken: r.session_token,
  callbackUrl: r.callback_url,
  total: r.total,
  requestId: r.request_id,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
  expiresAt: r.expires_at,
});

const toItem = (r: ItemRow): BatchItem => ({
  index: r.index,
  status: r.status,
  fileName: r.file_name,
  size: Number(r.size),
  attemptId: r.attempt_id,
  signatureId: r.signature_id,
  error: r.error,
});

/** Changes a row only from the state the caller saw (a CTE: TypeORM answers a bare UPDATE ... RETURNING oddly). */
const changed = async (db: DataSource, sql: string, params: unknown[]): Promise<boolean> =>
  ((await db.query(`WITH c AS (${sql} RETURNING 1) SELECT count(*)::int AS n FROM c`, params)) as { n: number }[])[0]
    .n > 0;

/**
 * Batches and their items in signer.signature_batch(_item). Every item move is conditional on the
 * state (and attempt) it leaves, so a worker that lost its job to another never overwrites it.
 */
@Injectable()
export class BatchStore {
  constructor(private readonly db: DataSource) {}

  async create(batch: Batch, items: Pick<BatchItem, 'fileName' | 'size'>[]): Promise<void> {
    await this.db.transaction(async (m) => {
      await m.query(
        `INSERT INTO signer.signature_batch (id, status, caller_kind, caller_id, caller, fields, session_token,
           callback_url, total, request_id, created_at)
         VALUES ($1, 'pending', $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          batch.id,
          batch.caller.kind,
          batch.caller.id,
          JSON.stringify(batch.caller),
          JSON.stringify(batch.fields),
          batch.sessionToken,
          batch.callbackUrl,
          batch.total,
          batch.requestId,
          batch.createdAt,
        ],
      );
      await m.query(
        `INSERT INTO signer.signature_batch_item (batch_id, index, status, file_name, size)
         SELECT $1, i - 1, 'pending', n, s FROM unnest($2::text[], $3::bigint[]) WITH ORDINALITY AS u(n, s, i)`,
        [batch.id, items.map((i) => i.fileName), items.map((i) => i.size)],
      );
    });
  }

  async get(id: string): Promise<Batch | undefined> {
    const rows: BatchRow[] = await this.db.query('SELECT * FROM signer.signature_batch WHERE id = $1', [id]);
    return rows[0] && toBatch(rows[0]);
  }

  async items(id: string): Promise<BatchItem[]> {
    const rows: ItemRow[] = await this.db.query(
      'SELECT * FROM signer.signature_batch_item WHERE batch_id = $1 ORDER BY index',
      [id],
    );
    return rows.map(toItem);
  }

  async item(id: string, index: number): Promise<BatchItem | undefined> {
    const rows: ItemRow[] = await this.db.query(
      'SELECT * FROM signer.signature_batch_item WHERE batch_id = $1 AND index = $2',
      [id, index],
    );
    return rows[0] && toItem(rows[0]);
  }

  async markRunning(id: string): Promise<void> {
    await this.db.query(`UPDATE signer.signature_batch SET status = 'running' WHERE id = $1 AND status = 'pending'`, [
      id,
    ]);
  }

  /** pending → signing, or a new attempt over one found `signing` (`previous`) that made no signature. */
  startItem(id: string, index: number, attemptId: string, previous: string | null): Promise<boolean> {
    return changed(
      this.db,
      `UPDATE signer.signature_batch_item SET status = 'signing', attempt_id = $3
        WHERE batch_id = $1 AND index = $2
          AND (status = 'pending' OR (status = 'signing' AND attempt_id IS NOT DISTINCT FROM $4))`,
      [id, index, attemptId, previous],
    );
  }

  finishItem(id: string, index: number, attemptId: string, signatureId: string): Promise<boolean> {
    return changed(
      this.db,
      `UPDATE signer.signature_batch_item SET status = 'done', signature_id = $4
        WHERE batch_id = $1 AND index = $2 AND status = 'signing' AND attempt_id = $3`,
      [id, index, attemptId, signatureId],
    );
  }

  /** signing → failed for this attempt, or any unfinished item when `attemptId` is null (a batch given up). */
  failItem(id: string, index: number, attemptId: string | null, error: ProblemDetails): Promise<boolean> {
    return changed(
      this.db,
      `UPDATE signer.signature_batch_item SET status = 'failed', error = $4
        WHERE batch_id = $1 AND index = $2
          AND (CASE WHEN $3::uuid IS NULL THEN status IN ('pending', 'signing') ELSE status = 'signing' AND attempt_id = $3 END)`,
      [id, index, attemptId, JSON.stringify(error)],
    );
  }

  /** The signature the signing gate recorded for an attempt (its request id), if it got that far. */
  async signatureOf(attemptId: string): Promise<string | undefined> {
    const rows: { id: string }[] = await this.db.query(
      `SELECT id FROM signer.signature_events WHERE request_id = $1 AND outcome = 'signed'`,
      [attemptId],
    );
    return rows[0]?.id;
  }

  /** running → done once; the session token goes (no later use can spend it). */
  finish(id: string, now: Date, expiresAt: Date): Promise<boolean> {
    return changed(
      this.db,
      `UPDATE signer.signature_batch SET status = 'done', finished_at = $2, expires_at = $3, session_token = NULL
        WHERE id = $1 AND status <> 'done'`,
      [id, now, expiresAt],
    );
  }

  async unfinished(): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      `SELECT id FROM signer.signature_batch WHERE status <> 'done' ORDER BY created_at`,
    );
    return rows.map((r) => r.id);
  }

  async expired(now: Date, limit = 100): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      'SELECT id FROM signer.signature_batch WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2',
      [now, limit],
    );
    return rows.map((r) => r.id);
  }

  async remove(id: string): Promise<void> {
    await this.db.query('DELETE FROM signer.signature_batch WHERE id = $1', [id]);
  }
}
