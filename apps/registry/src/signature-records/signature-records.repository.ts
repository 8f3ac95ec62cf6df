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

  /**
   * Inserts the records not yet known, the whole batch in one statement (a record per signature:
   * one round trip per batch, not per record); answers the ids that were new.
   */
  async insertNew(records: SignatureRecordDto[]): Promise<string[]> {
    if (!records.length) return [];
    const column = <T>(f: (r: SignatureRecordDto) => T) => records.map(f);
    const uuidOrNull = (v: string) => (UUID.test(v) ? v.toLowerCase() : null);
    const rows: { id: string }[] = await this.db.query(
      `INSERT INTO registry.signature_record (id, at, outcome, refusal_code, refusal_reason, caller_kind, caller_id,
         caller_name, acting_official_id, official_organization_id, certificate_id, certificate_organization_id,
         certificate_serial, document_sha256, signed_document_sha256, level, purpose, timestamp_time,
         signing_session_id, request_id)
       SELECT r.id, r.at, r.outcome, r.refusal_code, r.refusal_reason, r.caller_kind, r.caller_id, r.caller_name,
              r.acting_official_id, (SELECT organization_id FROM registry.official WHERE id = r.official_uuid),
              r.certificate_id, (SELECT organization_id FROM registry.certificate WHERE id = r.certificate_uuid),
              r.certificate_serial, r.document_sha256, r.signed_document_sha256, r.level, r.purpose,
              r.timestamp_time, r.signing_session_id, r.request_id
         FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                     $8::text[], $9::text[], $10::uuid[], $11::text[], $12::uuid[], $13::text[], $14::text[],
                     $15::text[], $16::text[], $17::text[], $18::timestamptz[], $19::uuid[], $20::text[])
              WITH ORDINALITY AS r(id, at, outcome, refusal_code, refusal_reason, caller_kind, caller_id, caller_name,
                acting_official_id, official_uuid, certificate_id, certificate_uuid, certificate_serial,
                document_sha256, signed_document_sha256, level, purpose, timestamp_time, signing_session_id,
                request_id, n)
        ORDER BY r.n
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        column((r) => r.id.toLowerCase()),
        column((r) => new Date(r.at)),
        column((r) => r.outcome),
        column((r) => r.refusalCode ?? null),
        column((r) => r.refusalReason ?? null),
        column((r) => r.caller.kind),
        column((r) => r.caller.id),
        column((r) => r.caller.name),
        column((r) => r.actingOfficialId),
        column((r) => uuidOrNull(r.actingOfficialId)),
        column((r) => r.certificateId),
        column((r) => uuidOrNull(r.certificateId)),
        column((r) => r.certificateSerial ?? null),
        column((r) => r.documentSha256),
        column((r) => r.signedDocumentSha256 ?? null),
        column((r) => r.level ?? null),
        column((r) => r.purpose ?? null),
        column((r) => (r.timestampTime ? new Date(r.timestampTime) : null)),
        column((r) => r.signingSessionId ?? null),
        column((r) => r.requestId ?? null),
      ],
    );
    return rows.map((r) => r.id);
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
