import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { SignatureEventEntity } from './signature-event.entity';
import { SigningEvidenceRecord, SigningEvidenceRepository } from './signing-evidence.repository';

/** The evidence kept with a signature; its event id is the signature's. */
export type SignatureEvidence = Omit<SigningEvidenceRecord, 'signatureEventId'>;

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
  /** Records an attempt; a signature's evidence, when given, is recorded with it (both or neither). */
  abstract record(event: SignatureEvent, evidence?: SignatureEvidence): Promise<void>;
}

const INSERT_EVENT = `INSERT INTO signer.signature_events (id, certificate_id, certificate_serial, acting_official_id,
    document_sha256, signed_document_sha256, signed_at, outcome, refusal_code, refusal_reason, request_id, caller_kind,
    caller_id, caller_name, level, purpose, timestamp_time, signing_session_id)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`;

@Injectable()
export class TypeOrmSignatureEventsRepository extends SignatureEventsRepository {
  constructor(
    @InjectRepository(SignatureEventEntity) private readonly repo: Repository<SignatureEventEntity>,
    private readonly evidence: SigningEvidenceRepository,
  ) {
    super();
  }

  /**
   * Plain parameterised SQL: it runs for every signature, and TypeORM's insert builder costs more
   * CPU than the query. A signature and its evidence go in one statement: one round trip.
   */
  async record(e: SignatureEvent, evidence?: SignatureEvidence): Promise<void> {
    const params = [
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
    ];
    if (evidence) await this.evidence.record({ ...evidence, signatureEventId: e.id }, { sql: INSERT_EVENT, params });
    else await this.repo.query(INSERT_EVENT, params);
  }
}
