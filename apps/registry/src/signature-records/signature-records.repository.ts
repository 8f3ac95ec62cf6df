import { Injectable } from '@nestjs/common';
import type { SignatureRecordDto } from '@kyso/contracts';
import { Db } from '../shared/transactions';

export interface SignatureRecordView {
  id: string;
  at: string;
  outcome: 'signed' | 'refused';
  refusalCode: string | null;
  refusalReason: string | null;
  system: { kind: string; id: string; name: string };
  actingOfficialId: string;
  certificateId: string;
  certificateSerial: string | null;
  documentSha256: string;
  signedDocumentSha256: string | null;
  level: string | null;
  purpose: string | null;
  timestampTime: string | null;
  signingSessionId: string | null;
  requestId: string | null;
}

export interface SignatureRecordQuery {
  limit: number;
  offset: number;
  officialId?: string;
  certificateId?: string;
  outcome?: string;
  from?: Date;
  to?: Date;
  /** Not everything: records of these organisations (official's or certificate's), or of this official. */
  visible?: { organizationIds: string[]; officialId: string | null };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Row {
  id: string;
  at: Date;
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

const toView = (r: Row): SignatureRecordView => ({
  id: r.id,
  at: r.at.toISOString(),
  outcome: r.outcome,
  refusalCode: r.refusal_code,
  refusalReason: r.refusal_reason,
  system: { kind: r.caller_kind, id: r.caller_id, name: r.caller_name },
  actingOfficialId: r.acting_official_id,
  certificateId: r.certificate_id,
  certificateSerial: r.certificate_serial,
  documentSha256: r.document_sha256,
  signedDocumentSha256: r.signed_document_sha256,
  level: r.level,
  purpose: r.purpose,
  timestampTime: r.timestamp_time?.toISOString() ?? null,
  signingSessionId: r.signing_session_id,
  requestId: r.request_id,
});

/** registry.signature_record: what the signer reported, with the organisations resolved at recording. */
@Injectable()
export class SignatureRecordsRepository {
  constructor(private readonly db: Db) {}

  /** Inserts the records not yet known; answers the ids that were new. */
  async insertNew(records: SignatureRecordDto[]): Promise<string[]> {
    const fresh: string[] = [];
    for (const r of records) {
      const official = UUID.test(r.actingOfficialId) ? r.actingOfficialId.toLowerCase() : null;
      const certificate = UUID.test(r.certificateId) ? r.certificateId.toLowerCase() : null;
      const rows: { id: string }[] = await this.db.query(
        `INSERT INTO registry.signature_record (id, at, outcome, refusal_code, refusal_reason, caller_kind, caller_id,
           caller_name, acting_official_id, official_organization_id, certificate_id, certificate_organization_id,
           certificate_serial, document_sha256, signed_document_sha256, level, purpose, timestamp_time,
           signing_session_id, request_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
           (SELECT organization_id FROM registry.official WHERE id = $19::uuid), $10,
           (SELECT organization_id FROM registry.certificate WHERE id = $20::uuid),
           $11, $12, $13, $14, $15, $16, $17, $18)
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        [
          r.id.toLowerCase(),
          new Date(r.at),
          r.outcome,
          r.refusalCode ?? null,
          r.refusalReason ?? null,
          r.caller.kind,
          r.caller.id,
          r.caller.name,
          r.actingOfficialId,
          r.certificateId,
          r.certificateSerial ?? null,
          r.documentSha256,
          r.signedDocumentSha256 ?? null,
          r.level ?? null,
          r.purpose ?? null,
          r.timestampTime ? new Date(r.timestampTime) : null,
          r.signingSessionId ?? null,
          r.requestId ?? null,
          official,
          certificate,
        ],
      );
      if (rows[0]) fresh.push(rows[0].id);
    }
    return fresh;
  }

  async query(q: SignatureRecordQuery): Promise<{ items: SignatureRecordView[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, ...v: unknown[]) => {
      let s = sql;
      for (const x of v) {
        params.push(x);
        s = s.replace('?', `$${params.length}`);
      }
      where.push(s);
    };
    if (q.officialId) add('acting_official_id = ?', q.officialId.toLowerCase());
    if (q.certificateId) add('certificate_id = ?', q.certificateId.toLowerCase());
    if (q.outcome) add('outcome = ?', q.outcome);
    if (q.from) add('at >= ?', q.from);
    if (q.to) add('at < ?', q.to);
    if (q.visible)
      add(
        '(official_organization_id = ANY (?::uuid[]) OR certificate_organization_id = ANY (?::uuid[]) OR acting_official_id = ?)',
        q.visible.organizationIds,
        q.visible.organizationIds,
        q.visible.officialId ?? '',
      );
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ n }]: { n: number }[] = await this.db.query(
      `SELECT count(*)::int AS n FROM registry.signature_record ${clause}`,
      params,
    );
    const rows: Row[] = await this.db.query(
      `SELECT * FROM registry.signature_record ${clause} ORDER BY at DESC, id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, q.limit, q.offset],
    );
    return { items: rows.map(toView), total: n };
  }
}
