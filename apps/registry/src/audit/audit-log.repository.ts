import { Injectable } from '@nestjs/common';
import { Clock } from '@kyso/common';
import { Db, Transactions } from '../shared/transactions';
import { AuditEvent, AuditQuery, ChainVerification } from './audit-event';
import { entryHash, GENESIS_HASH, JsonValue, toJsonValue } from './audit-hash';
import { AuditEntry, AuditLog } from './audit-log';

/** Rows read per round trip when verifying the chain. */
export const VERIFY_BATCH = 1000;

const COLUMNS = `seq::text AS seq, at, actor, action, entity_type, entity_id, before, after, request_id, prev_hash, hash`;

/** An entry is about a record of the given organisations (`?`: uuid[]); the request: its managing agency. */
const VISIBLE_ENTITY_SQL = `(
  (entity_type = 'organization' AND entity_id IN (SELECT id::text FROM registry.organization WHERE id = ANY (?::uuid[])))
  OR (entity_type = 'official' AND entity_id IN (SELECT id::text FROM registry.official WHERE organization_id = ANY (?::uuid[])))
  OR (entity_type = 'certificate' AND entity_id IN (SELECT id::text FROM registry.certificate WHERE organization_id = ANY (?::uuid[])))
  OR (entity_type = 'device' AND entity_id IN (SELECT id::text FROM registry.key_device WHERE organization_id = ANY (?::uuid[])))
  OR (entity_type = 'request' AND entity_id IN (SELECT id::text FROM registry.lifecycle_request WHERE managing_organization_id = ANY (?::uuid[]))))`;

interface Row {
  seq: string;
  at: Date;
  actor: AuditEvent['actor'];
  action: string;
  entity_type: string;
  entity_id: string | null;
  before: JsonValue;
  after: JsonValue;
  request_id: string | null;
  prev_hash: string;
  hash: string;
}

const toEvent = (r: Row): AuditEvent => ({
  seq: r.seq,
  at: r.at,
  actor: r.actor,
  action: r.action,
  entityType: r.entity_type,
  entityId: r.entity_id,
  before: r.before,
  after: r.after,
  requestId: r.request_id,
  prevHash: r.prev_hash,
  hash: r.hash,
});

/**
 * The hash-chained log in registry.audit_event. Appends take a transaction-scoped advisory lock,
 * so entries are chained one after the other; the UNIQUE prev_hash constraint turns any fork
 * (e.g. an append inside a REPEATABLE READ transaction whose snapshot predates the lock) into an
 * error rather than a silent branch.
 */
@Injectable()
export class PgAuditLog extends AuditLog {
  constructor(
    private readonly db: Db,
    private readonly tx: Transactions,
    private readonly clock: Clock,
  ) {
    super();
  }

  async append(entry: AuditEntry): Promise<void> {
    await this.appendAll([entry]);
  }

  async appendAll(entries: AuditEntry[]): Promise<void> {
    if (entries.length) await this.tx.run(() => this.insertAll(entries.map(asStored)));
  }

  /**
   * Appends an entry whose before and after are JSON values already (a request body): stored and
   * hashed as they are, without a JSON round trip. In the caller's transaction when one is active.
   */
  async record(entry: JsonAuditEntry): Promise<AuditEvent> {
    return (await this.tx.run(() => this.insertAll([entry])))[0];
  }

  /** One lock, one read of the chain's end, one batch of sequence numbers and one INSERT for all entries. */
  private async insertAll(entries: JsonAuditEntry[]): Promise<AuditEvent[]> {
    await this.db.query(`SELECT pg_advisory_xact_lock(hashtextextended('registry.audit_event', 0))`);
    const last: { hash: string }[] = await this.db.query(
      'SELECT hash FROM registry.audit_event ORDER BY seq DESC LIMIT 1',
    );
    const seqs: { seq: string }[] = await this.db.query(
      `SELECT nextval(pg_get_serial_sequence('registry.audit_event', 'seq'))::text AS seq FROM generate_series(1, $1)`,
      [entries.length],
    );
    let prevHash = last[0]?.hash ?? GENESIS_HASH;
    const at = this.clock.now();
    const events = entries.map((entry, i): AuditEvent => {
      const event: AuditEvent = {
        seq: seqs[i].seq,
        at,
        actor: { kind: entry.actor.kind, id: entry.actor.id, name: entry.actor.name },
        action: entry.action,
        entityType: entry.entityType,
        entityId: entry.entityId,
        before: entry.before ?? null,
        after: entry.after ?? null,
        requestId: entry.requestId ?? null,
        prevHash,
        hash: '',
      };
      event.hash = entryHash(event);
      prevHash = event.hash;
      return event;
    });
    const COLUMNS = 11;
    const params = events.flatMap((event) => [
      event.seq,
      event.at,
      JSON.stringify(event.actor),
      event.action,
      event.entityType,
      event.entityId,
      event.before === null ? null : JSON.stringify(event.before),
      event.after === null ? null : JSON.stringify(event.after),
      event.requestId,
      event.prevHash,
      event.hash,
    ]);
    const rows = events.map(
      (_, r) => `(${Array.from({ length: COLUMNS }, (_c, c) => `$${r * COLUMNS + c + 1}`).join(', ')})`,
    );
    await this.db.query(
      `INSERT INTO registry.audit_event (seq, at, actor, action, entity_type, entity_id, before, after, request_id, prev_hash, hash)
       VALUES ${rows.join(', ')}`,
      params,
    );
    return events;
  }

  async query(q: AuditQuery): Promise<{ items: AuditEvent[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.split('?').join(`$${params.length}`));
    };
    if (q.entityType) add('entity_type = ?', q.entityType);
    if (q.entityId) add('entity_id = ?', q.entityId);
    if (q.actorId) add(`actor->>'id' = ?`, q.actorId);
    if (q.action) add('action = ?', q.action);
    if (q.from) add('at >= ?', q.from);
    if (q.to) add('at < ?', q.to);
    if (q.organizationIds) add(VISIBLE_ENTITY_SQL, q.organizationIds);
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ n }]: { n: number }[] = await this.db.query(
      `SELECT count(*)::int AS n FROM registry.audit_event ${clause}`,
      params,
    );
    const rows: Row[] = await this.db.query(
      `SELECT ${COLUMNS} FROM registry.audit_event ${clause} ORDER BY audit_event.seq LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, q.limit, q.offset],
    );
    return { items: rows.map(toEvent), total: n };
  }

  /** Recomputes every hash in seq order and checks each entry names its predecessor's hash. */
  async verify(): Promise<ChainVerification> {
    let prev = GENESIS_HASH;
    let after = '0';
    let checked = 0;
    let lastSeq: string | null = null;
    for (;;) {
      const rows: Row[] = await this.db.query(
        `SELECT ${COLUMNS} FROM registry.audit_event WHERE seq > $1 ORDER BY audit_event.seq LIMIT $2`,
        [after, VERIFY_BATCH],
      );
      for (const row of rows) {
        const e = toEvent(row);
        if (e.prevHash !== prev) return { ok: false, checked, firstBrokenSeq: e.seq, reason: 'PREVIOUS_HASH_MISMATCH' };
        if (entryHash(e) !== e.hash) return { ok: false, checked, firstBrokenSeq: e.seq, reason: 'HASH_MISMATCH' };
        prev = e.hash;
        lastSeq = e.seq;
        checked++;
      }
      if (rows.length < VERIFY_BATCH) break;
      after = rows[rows.length - 1].seq;
    }
    return { ok: true, checked, lastSeq, lastHash: lastSeq ? prev : null };
  }
}

/** An entry whose before and after are what will be stored (JSON values; absent or null: SQL NULL). */
export interface JsonAuditEntry extends Omit<AuditEntry, 'before' | 'after'> {
  before?: JsonValue;
  after?: JsonValue;
}

const asStored = (e: AuditEntry): JsonAuditEntry => ({
  ...e,
  before: toJsonValue(e.before),
  after: toJsonValue(e.after),
});
