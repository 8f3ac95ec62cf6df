import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { open } from 'node:fs/promises';
import { Repository } from 'typeorm';
import type { DocumentReport } from '@kyso/pki';
import type { InboundOutcome } from './inbound/inbound-result';
import { ValidationEntity, ValidationKind, ValidationStatus } from './validation.entity';
import type { ValidationOwner } from './validation-owner';

/** Bytes of a stored document written or read at once (create, loadDocument). */
const SLICE_BYTES = 8 * 1024 * 1024;

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

/** A validation to store: the bytes until validated, what kind of check, the uploaded file's name. */
/** A validation finished at once (the API's fast path): digest, owner and report, no bytes. */
export interface DoneValidation {
  id: string;
  documentSha256: string;
  owner: ValidationOwner;
  fileName?: string;
  report: DocumentReport;
  finishedAt: Date;
}

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
  /** Stores a validation finished at once (the API's fast path): digest, owner and report, no bytes. */
  abstract createDone(v: DoneValidation): Promise<void>;
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
   * A big document is written in slices (the first with the row, the rest appended): the driver
   * sends bytea as hex text, and the whole document's would be twice its size at once.
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
      for (let part = await slices.next(); part.length; part = await slices.next())
        await this.repo.query('UPDATE verifier.validation SET document = document || $2 WHERE id = $1', [v.id, part]);
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

  /** A plain parameterised INSERT: one per fast-path validation, without TypeORM's query building. */
  async createDone(v: DoneValidation): Promise<void> {
    const o = ownerColumns(v.owner);
    await this.repo.query(
      `INSERT INTO verifier.validation
         (id, status, kind, file_name, document_sha256, report, result, finished_at,
          organization_ids, caller_kind, caller_id, caller_name)
       VALUES ($1, 'done', 'pdf', $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        v.id,
        v.fileName ?? null,
        v.documentSha256,
        JSON.stringify(v.report),
        v.report.conclusion,
        v.finishedAt,
        o.organizationIds,
        o.callerKind,
        o.callerId,
        o.callerName,
      ],
    );
  }

  async find(id: string): Promise<ValidationView | undefined> {
    const e = await this.repo.findOneBy({ id });
    return e ? toView(e) : undefined;
  }

  /**
   * Read in slices into one buffer: the driver receives bytea as hex text, twice the document's
   * size, which for a 100 MB document would be held all at once (issue 16.3: the worker's peak RSS
   * stays below 2 × size + 150 MB). Nothing is copied after.
   */
  async loadDocument(id: string): Promise<Uint8Array | undefined> {
    const [row] = (await this.repo.query(
      'SELECT octet_length(document) AS size FROM verifier.validation WHERE id = $1 AND document IS NOT NULL',
      [id],
    )) as { size: number }[];
    if (!row) return undefined;
    const out = Buffer.allocUnsafeSlow(Number(row.size));
    for (let at = 0; at < out.length; at += SLICE_BYTES) {
      const [slice] = (await this.repo.query(
        'SELECT substring(document FROM $2 FOR $3) AS part FROM verifier.validation WHERE id = $1',
        [id, at + 1, SLICE_BYTES],
      )) as { part: Buffer | null }[];
      if (!slice?.part) return undefined; // finished and dropped meanwhile
      slice.part.copy(out, at);
    }
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  }

  async markDone(id: string, report: DocumentReport, finishedAt: Date): Promise<void> {
    await this.repo.update(
      { id },
      { status: 'done', report, result: report.conclusion, document: null, errorCode: null, finishedAt },
    );
  }

  async markFailed(id: string, errorCode: string, finishedAt: Date): Promise<void> {
    await this.repo.update({ id }, { status: 'failed', result: 'FAILED', document: null, errorCode, finishedAt });
  }

  async ping(): Promise<void> {
    await this.repo.query('SELECT 1');
  }
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
