import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { open } from 'node:fs/promises';
import { Repository } from 'typeorm';
import { NaturalBatch, type NamedStatement, runNamedOn } from '@kyso/common';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { DocumentReport } from '@kyso/pki';
import type { EvidenceRecord } from './evidence/evidence-record';
import { storedDers } from './evidence/evidence-ders';
import {
  EVIDENCE_ROW_PARAMS,
  evidenceParams,
  evidenceRow,
  evidenceRowParams,
  evidenceWithRows,
} from './evidence/evidence.repository';
import type { InboundOutcome } from './inbound/inbound-result';
import { ValidationEntity, ValidationKind, ValidationStatus } from './validation.entity';
import type { ValidationOwner } from './validation-owner';
import { reportJson } from './report-json';

/** Bytes of a stored document written at once (create) and read per query (loadDocument). */
const SLICE_BYTES = 1024 * 1024;
/**
 * A read comes as rows of READ_BYTES in base64, decoded straight into the document's buffer: each
 * row's text is small enough for V8's young generation, collected at once. A whole slice as hex text
 * (the driver's bytea) was old-generation garbage kept until a full GC, with a Buffer per slice
 * besides (issue 16.3: the worker's peak RSS below 2 × size + 150 MB).
 */
const READ_BYTES = 32 * 1024;

/** A document in a file (a big upload): its path and size. */
export interface StoredFile {
  path: string;
  size: number;
}

/** SLICE_BYTES at a time from bytes in memory or from a file; an empty slice at the end. */
function sliceOf(document: Uint8Array | StoredFile) {
  if (document instanceof Uint8Array) {
    const bytes = Buffer.from(document.buffer, document.byteOffset, document.byteLength);
    let at = 0;
    return {
      next: async () => bytes.subarray(at, (at += SLICE_BYTES)),
      close: async () => {},
    };
  }
  const file = open(document.path, 'r');
  return {
    // A new buffer per slice: the driver may still hold the previous one.
    next: async () => {
      const buf = Buffer.allocUnsafe(SLICE_BYTES);
      const { bytesRead } = await (await file).read(buf, 0, SLICE_BYTES, null);
      return buf.subarray(0, bytesRead);
    },
    close: async () => (await file).close(),
  };
}

/** Validation columns of a createDone row (doneParams). */
const DONE_ROW_PARAMS = 10;

/**
 * The fast path's INSERT of `n` finished validations and their evidence records: their rows and
 * records in one statement (both or neither, per validation; each report sent once), the DERs sent
 * once; named per `n`, as a connection keeps each plan.
 */
const createDoneMany = (n: number): NamedStatement => (manyStatements[n] ??= createDoneText(n));
const manyStatements: NamedStatement[] = [];
const createDoneText = (n: number): NamedStatement => {
  const per = DONE_ROW_PARAMS + EVIDENCE_ROW_PARAMS;
  const first = (i: number) => i * per + 1;
  const rows = Array.from({ length: n }, (_, i) => {
    const p = (k: number) => `$${first(i) + k}`;
    return `(${p(0)}, 'done', 'pdf', ${p(1)}, ${p(2)}, ${p(3)}::jsonb, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}, ${p(8)}, ${p(9)})`;
  });
  const evidence = Array.from({ length: n }, (_, i) =>
    evidenceRow(first(i) + DONE_ROW_PARAMS, `$${first(i) + 3}::jsonb`),
  );
  return {
    name: n === 1 ? 'verifier_create_done' : `verifier_create_done_${n}`,
    text: `${evidenceWithRows(evidence, n * per + 1)}
     INSERT INTO verifier.validation
         (id, status, kind, file_name, document_sha256, report, result, finished_at,
          organization_ids, caller_kind, caller_id, caller_name)
       VALUES ${rows.join(', ')}`,
  };
};

/** Fast-path validations stored in one statement at most (natural batching). */
const DONE_BATCH_MAX = 32;

/** A fast-path validation and its record, as createDone stores them. */
interface Done {
  v: DoneValidation;
  evidence: EvidenceRecord;
}

/** A createDone row's validation parameters (the record's follow). */
function doneParams({ v, evidence }: Done): unknown[] {
  const o = ownerColumns(v.owner);
  const { report } = evidence;
  return [
    v.id,
    v.fileName ?? null,
    v.documentSha256,
    reportJson(report),
    report.conclusion,
    v.finishedAt,
    o.organizationIds,
    o.callerKind,
    o.callerId,
    o.callerName,
  ];
}

/** What callers see of a validation; the entity never leaves this file. */
export interface ValidationView {
  id: string;
  status: ValidationStatus;
  kind: ValidationKind;
  fileName: string | null;
  documentSha256: string;
  report: DocumentReport | null;
  errorCode: string | null;
  /** The report's conclusion, accepted/rejected (inbound) or FAILED. */
  result: string | null;
  inbound: InboundOutcome | null;
  createdAt: Date;
  finishedAt: Date | null;
  /** Null for rows stored before owners were recorded. */
  owner: ValidationOwner | null;
  /** Where the result is POSTed when the validation ends (the owner is the system), if anywhere. */
  callbackUrl: string | null;
}

/** A validation finished at once (the API's fast path): digest and owner, no bytes (the report is its evidence record's). */
export interface DoneValidation {
  id: string;
  documentSha256: string;
  owner: ValidationOwner;
  fileName?: string;
  finishedAt: Date;
}

/** A validation to store: the bytes until validated, what kind of check, the uploaded file's name. */
export interface NewValidation {
  id: string;
  /** The bytes, or the file holding them (a big upload, read in slices). */
  document: Uint8Array | StoredFile;
  documentSha256: string;
  owner: ValidationOwner;
  kind?: ValidationKind;
  fileName?: string | null;
  /** Where the result goes when the validation ends (webhook). */
  callbackUrl?: string;
}

/** A finished inbound check (issue 14): stored done at once, without the package's bytes. */
export interface NewInboundValidation {
  id: string;
  documentSha256: string;
  owner: ValidationOwner;
  fileName: string | null;
  outcome: InboundOutcome;
  finishedAt: Date;
  /** Where the answer was also sent (webhook), kept with the check as for other validations. */
  callbackUrl?: string;
}

/** Persistence port for validations (an abstract class so it can be a DI token). */
export abstract class ValidationRepository {
  abstract create(v: NewValidation): Promise<void>;
  abstract recordInbound(v: NewInboundValidation): Promise<void>;
  /**
   * Stores a validation finished at once (the API's fast path): digest, owner and the report of its
   * evidence record, no bytes; with that record, in the same statement (both or neither; the report
   * sent once).
   */
  abstract createDone(v: DoneValidation, evidence: EvidenceRecord): Promise<void>;
  abstract find(id: string): Promise<ValidationView | undefined>;
  /** The stored bytes, or undefined once validated (or unknown). */
  abstract loadDocument(id: string): Promise<Uint8Array | undefined>;
  abstract markDone(id: string, report: DocumentReport, finishedAt: Date): Promise<void>;
  abstract markFailed(id: string, errorCode: string, finishedAt: Date): Promise<void>;
  abstract ping(): Promise<void>;
}

@Injectable()
export class TypeOrmValidationRepository extends ValidationRepository {
  constructor(@InjectRepository(ValidationEntity) private readonly repo: Repository<ValidationEntity>) {
    super();
  }

  /**
   * A big document is written in slices, the first with the row and the rest as part rows: the
   * driver sends bytea as hex text, and the whole document's would be twice its size at once;
   * appending to the row's bytea instead would rewrite it at every slice.
   */
  async create(v: NewValidation): Promise<void> {
    const slices = sliceOf(v.document);
    try {
      await this.repo.insert({
        id: v.id,
        status: 'pending',
        kind: v.kind ?? 'pdf',
        fileName: v.fileName ?? null,
        document: await slices.next(),
        documentSha256: v.documentSha256,
        ...ownerColumns(v.owner),
        callbackUrl: v.callbackUrl ?? null,
      });
      for (let seq = 1, part = await slices.next(); part.length; seq++, part = await slices.next())
        await this.repo.query(
          'INSERT INTO verifier.validation_document_part (validation_id, seq, bytes) VALUES ($1, $2, $3)',
          [v.id, seq, part],
        );
    } finally {
      await slices.close();
    }
  }

  async recordInbound(v: NewInboundValidation): Promise<void> {
    await this.repo.insert({
      id: v.id,
      status: 'done',
      kind: 'inbound',
      fileName: v.fileName,
      document: null,
      documentSha256: v.documentSha256,
      result: v.outcome.decision,
      inbound: v.outcome,
      finishedAt: v.finishedAt,
      callbackUrl: v.callbackUrl ?? null,
      ...ownerColumns(v.owner),
    });
  }

  /**
   * Concurrent calls share statements (NaturalBatch): one alone goes at once; those made while it is
   * in flight go together after it, one multi-row statement (issue 16.3: a syscall, a transaction and
   * a WAL flush per validation).
   */
  private readonly done = new NaturalBatch<Done, void>(
    (items) => this.storeDone(items),
    (item) => this.storeOne(item),
    DONE_BATCH_MAX,
  );

  createDone(v: DoneValidation, evidence: EvidenceRecord): Promise<void> {
    return this.done.run({ v, evidence });
  }

  /** One validation's statement, the evidence's in CTEs of it (the report sent once). */
  private async storeOne(item: Done): Promise<void> {
    await storedDers.store(item.evidence, (ders) =>
      runNamedOn(this.repo.manager.connection, createDoneMany(1), [
        ...doneParams(item),
        ...evidenceParams(item.evidence, ders),
      ]),
    );
  }

  private async storeDone(items: Done[]): Promise<void[]> {
    const params = items.flatMap((item) => [...doneParams(item), ...evidenceRowParams(item.evidence)]);
    await storedDers.storeMany(
      items.map((i) => i.evidence),
      (ders) =>
        runNamedOn(this.repo.manager.connection, createDoneMany(items.length), [...params, ders.names, ders.ders]),
    );
    return items.map(() => undefined);
  }

  async find(id: string): Promise<ValidationView | undefined> {
    const e = await this.repo.findOneBy({ id });
    return e ? toView(e) : undefined;
  }

  /** The bytes in one buffer, nothing copied after (readDocument). */
  async loadDocument(id: string): Promise<Uint8Array | undefined> {
    return readDocument(id, (this.repo.manager.connection.driver as PostgresDriver).master as PgPool);
  }

  /**
   * After the row's document is set to null: a crash between the two leaves parts nobody reads
   * (loadDocument wants the row's bytes), never a pending row with parts missing.
   */
  private async dropParts(id: string): Promise<void> {
    await this.repo.query('DELETE FROM verifier.validation_document_part WHERE validation_id = $1', [id]);
  }

  async markDone(id: string, report: DocumentReport, finishedAt: Date): Promise<void> {
    await this.repo.update(
      { id },
      { status: 'done', report, result: report.conclusion, document: null, errorCode: null, finishedAt },
    );
    await this.dropParts(id);
  }

  async markFailed(id: string, errorCode: string, finishedAt: Date): Promise<void> {
    await this.repo.update({ id }, { status: 'failed', result: 'FAILED', document: null, errorCode, finishedAt });
    await this.dropParts(id);
  }

  async ping(): Promise<void> {
    await this.repo.query('SELECT 1');
  }
}

/** The driver's pool (pg's Pool). */
interface PgPool {
  query(sql: string, params: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * Reads into one buffer, SLICE_BYTES per query (READ_BYTES per row): the row's own bytes first (for
 * rows stored before part rows, the whole document), then the parts in order. Straight on the
 * driver's pool: through TypeORM's query(), or on one connection a QueryRunner lends, the rows of
 * each query outlived it until a full GC (peak RSS about 120 MB higher for 100 MB, measured).
 */
async function readDocument(id: string, pool: PgPool): Promise<Uint8Array | undefined> {
  const query = async <T>(sql: string, params: unknown[]) => (await pool.query(sql, params)).rows as T[];
  const [row] = await query<{ head: number; rest: string }>(
    `SELECT octet_length(document) AS head,
            (SELECT coalesce(sum(octet_length(bytes)), 0) FROM verifier.validation_document_part
              WHERE validation_id = $1) AS rest
       FROM verifier.validation WHERE id = $1 AND document IS NOT NULL`,
    [id],
  );
  if (!row) return undefined;
  const head = Number(row.head);
  const out = Buffer.allocUnsafeSlow(head + Number(row.rest));
  let at = 0;
  /** `column` of the row `where` picks, READ_BYTES at a time from byte $2 to $3 (1-based, inclusive). */
  const read = async (column: string, table: string, where: string, params: unknown[]) => {
    const rows = await query<{ part: string }>(
      `SELECT encode(substring(${column} FROM o FOR ${READ_BYTES}), 'base64') AS part
         FROM ${table}, generate_series($2::int, least($3::int, octet_length(${column})), ${READ_BYTES}) AS o
        WHERE ${where} ORDER BY o`,
      params,
    );
    for (const r of rows) at += out.write(r.part, at, 'base64');
  };
  for (let start = 1; start <= head; start += SLICE_BYTES)
    await read('document', 'verifier.validation', 'id = $1', [id, start, start + SLICE_BYTES - 1]);
  for (let seq = 1; at < out.length; seq++) {
    const before = at;
    await read('bytes', 'verifier.validation_document_part', 'validation_id = $1 AND seq = $4', [
      id,
      1,
      SLICE_BYTES,
      seq,
    ]);
    if (at === before) return undefined; // finished and dropped meanwhile
  }
  return at === out.length ? new Uint8Array(out.buffer, out.byteOffset, out.length) : undefined;
}

const ownerColumns = (o: ValidationOwner) => ({
  organizationIds: o.organizationIds,
  callerKind: o.callerKind,
  callerId: o.callerId,
  callerName: o.callerName ?? null,
});

export function toView(e: ValidationEntity): ValidationView {
  return {
    id: e.id,
    status: e.status,
    kind: e.kind,
    fileName: e.fileName,
    documentSha256: e.documentSha256,
    report: e.report,
    errorCode: e.errorCode,
    result: e.result,
    inbound: e.inbound,
    createdAt: e.createdAt,
    finishedAt: e.finishedAt,
    owner:
      e.callerKind && e.callerId
        ? {
            organizationIds: e.organizationIds,
            callerKind: e.callerKind,
            callerId: e.callerId,
            ...(e.callerName ? { callerName: e.callerName } : {}),
          }
        : null,
    callbackUrl: e.callbackUrl ?? null,
  };
}
