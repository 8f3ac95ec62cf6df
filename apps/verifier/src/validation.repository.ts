import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { open } from 'node:fs/promises';
import { Repository } from 'typeorm';
import type { DocumentReport } from '@kyso/pki';
import { ValidationEntity, ValidationStatus } from './validation.entity';
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
  documentSha256: string;
  report: DocumentReport | null;
  errorCode: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  /** Null for rows stored before owners were recorded. */
  owner: ValidationOwner | null;
}

/** Persistence port for validations (an abstract class so it can be a DI token). */
export abstract class ValidationRepository {
  /** `document`: the bytes, or the file holding them (a big upload, read in slices). */
  abstract create(v: {
    id: string;
    document: Uint8Array | StoredFile;
    documentSha256: string;
    owner: ValidationOwner;
  }): Promise<void>;
  /** Stores a validation finished at once (the API's fast path): digest, owner and report, no bytes. */
  abstract createDone(v: {
    id: string;
    documentSha256: string;
    owner: ValidationOwner;
    report: DocumentReport;
    finishedAt: Date;
  }): Promise<void>;
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
  async create(v: {
    id: string;
    document: Uint8Array | StoredFile;
    documentSha256: string;
    owner: ValidationOwner;
  }): Promise<void> {
    const slices = sliceOf(v.document);
    try {
      await this.repo.insert({
        id: v.id,
        status: 'pending',
        document: await slices.next(),
        documentSha256: v.documentSha256,
        organizationIds: v.owner.organizationIds,
        callerKind: v.owner.callerKind,
        callerId: v.owner.callerId,
      });
      for (let part = await slices.next(); part.length; part = await slices.next())
        await this.repo.query('UPDATE verifier.validation SET document = document || $2 WHERE id = $1', [v.id, part]);
    } finally {
      await slices.close();
    }
  }

  async createDone(v: {
    id: string;
    documentSha256: string;
    owner: ValidationOwner;
    report: DocumentReport;
    finishedAt: Date;
  }): Promise<void> {
    await this.repo.insert({
      id: v.id,
      status: 'done',
      document: null,
      documentSha256: v.documentSha256,
      report: v.report,
      finishedAt: v.finishedAt,
      organizationIds: v.owner.organizationIds,
      callerKind: v.owner.callerKind,
      callerId: v.owner.callerId,
    });
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
    await this.repo.update({ id }, { status: 'done', report, document: null, errorCode: null, finishedAt });
  }

  async markFailed(id: string, errorCode: string, finishedAt: Date): Promise<void> {
    await this.repo.update({ id }, { status: 'failed', document: null, errorCode, finishedAt });
  }

  async ping(): Promise<void> {
    await this.repo.query('SELECT 1');
  }
}

function toView(e: ValidationEntity): ValidationView {
  return {
    id: e.id,
    status: e.status,
    documentSha256: e.documentSha256,
    report: e.report,
    errorCode: e.errorCode,
    createdAt: e.createdAt,
    finishedAt: e.finishedAt,
    owner:
      e.callerKind && e.callerId
        ? { organizationIds: e.organizationIds, callerKind: e.callerKind, callerId: e.callerId }
        : null,
  };
}
