import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { SignatureEventEntity } from './signature-event.entity';

export interface SignatureEvent {
  id: string;
  certificateId: string;
  certificateSerial?: string;
  actingOfficialId: string;
  documentSha256: string;
  signedDocumentSha256?: string;
  at: Date;
  outcome: 'signed' | 'refused';
  refusalCode?: string;
  refusalReason?: string;
  requestId?: string;
  /** The signing session this signature used or opened, if any. */
  signingSessionId?: string;
  caller?: { kind: string; id: string; name: string };
  level?: string;
  purpose?: string;
  timestampTime?: Date;
}

/** Port: where signing attempts are recorded. */
export abstract class SignatureEventsRepository {
  abstract record(event: SignatureEvent): Promise<void>;
}

@Injectable()
export class TypeOrmSignatureEventsRepository extends SignatureEventsRepository {
  constructor(@InjectRepository(SignatureEventEntity) private readonly repo: Repository<SignatureEventEntity>) {
    super();
  }

  /** One plain INSERT: it runs for every signature, and TypeORM's insert builder costs more CPU than the query. */
  async record(e: SignatureEvent): Promise<void> {
    await this.repo.query(
      `INSERT INTO signer.signature_events (id, certificate_id, certificate_serial, acting_official_id, document_sha256,
         signed_document_sha256, signed_at, outcome, refusal_code, refusal_reason, request_id, caller_kind, caller_id,
         caller_name, level, purpose, timestamp_time, signing_session_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
      [
        e.id,
        e.certificateId,
        e.certificateSerial ?? null,
        e.actingOfficialId,
        e.documentSha256,
        e.signedDocumentSha256 ?? null,
        e.at,
        e.outcome,
        e.refusalCode ?? null,
        e.refusalReason ?? null,
        e.requestId ?? null,
        e.caller?.kind ?? 'service',
        e.caller?.id ?? 'unknown',
        e.caller?.name ?? '',
        e.level ?? null,
        e.purpose ?? null,
        e.timestampTime ?? null,
        e.signingSessionId ?? null,
      ],
    );
  }
}
