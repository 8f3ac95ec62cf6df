import { Injectable } from '@nestjs/common';
import type { Caller } from '@kyso/common';
import type { SignatureRecordDto } from '@kyso/contracts';
import { AuditLog } from '../audit/audit-log';
import { OwnershipService } from '../ownership/ownership.service';
import { Transactions } from '../shared/transactions';
import { SignatureRecordQuery, SignatureRecordsRepository, SignatureRecordView } from './signature-records.repository';

/**
 * Signing attempts reported by the signer (issue 12.7). A batch is one transaction: the records
 * new to the registry and one hash-chained audit entry each (actor: the calling system or
 * operator; entity: the certificate), so a record is never listed without its audit entry.
 * Batching keeps the chain's lock off the signing path: the signer answers its caller first.
 */
@Injectable()
export class SignatureRecordsService {
  constructor(
    private readonly repo: SignatureRecordsRepository,
    private readonly audit: AuditLog,
    private readonly tx: Transactions,
    private readonly ownership: OwnershipService,
  ) {}

  record(records: SignatureRecordDto[]): Promise<string[]> {
    return this.tx.run(async () => {
      const fresh = new Set(await this.repo.insertNew(records));
      await this.audit.appendAll(
        records
          .filter((r) => fresh.has(r.id.toLowerCase()))
          .map((r) => ({
            actor: { kind: r.caller.kind as Caller['kind'], id: r.caller.id, name: r.caller.name },
            action: r.outcome === 'signed' ? 'signature.signed' : 'signature.refused',
            entityType: 'certificate',
            entityId: r.certificateId.toLowerCase(),
            after: {
              signatureId: r.id.toLowerCase(),
              at: r.at,
              actingOfficialId: r.actingOfficialId,
              certificateSerial: r.certificateSerial,
              documentSha256: r.documentSha256,
              signedDocumentSha256: r.signedDocumentSha256,
              level: r.level,
              purpose: r.purpose,
              timestampTime: r.timestampTime,
              refusalCode: r.refusalCode,
              refusalReason: r.refusalReason,
              signingSessionId: r.signingSessionId,
            },
            requestId: r.requestId ?? null,
          })),
      );
      return [...fresh];
    });
  }

  async list(
    q: Omit<SignatureRecordQuery, 'visible'>,
    caller: Caller,
  ): Promise<{ items: SignatureRecordView[]; total: number }> {
    const visible = await this.ownership.visibleTo(caller);
    return this.repo.query({ ...q, visible });
  }
}
