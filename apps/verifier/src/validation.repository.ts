import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Not, Repository } from 'typeorm';
import type { DocumentReport } from '@kyso/pki';
import type { InboundOutcome } from './inbound/inbound-result';
import { ValidationEntity, ValidationKind, ValidationStatus } from './validation.entity';
import type { ValidationOwner } from './validation-owner';

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
export interface NewValidation {
  id: string;
  document: Uint8Array;
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

  async create(v: NewValidation): Promise<void> {
    await this.repo.insert({
      id: v.id,
      status: 'pending',
      kind: v.kind ?? 'pdf',
      fileName: v.fileName ?? null,
      document: Buffer.from(v.document.buffer, v.document.byteOffset, v.document.byteLength),
      documentSha256: v.documentSha256,
      ...ownerColumns(v.owner),
      callbackUrl: v.callbackUrl ?? null,
    });
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

  async find(id: string): Promise<ValidationView | undefined> {
    const e = await this.repo.findOneBy({ id });
    return e ? toView(e) : undefined;
  }

  async loadDocument(id: string): Promise<Uint8Array | undefined> {
    const e = await this.repo.findOne({ where: { id, document: Not(IsNull()) }, select: { id: true, document: true } });
    return e?.document ? new Uint8Array(e.document) : undefined;
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
