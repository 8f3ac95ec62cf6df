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

  async record(e: SignatureEvent): Promise<void> {
    await this.repo.insert({
      id: e.id,
      certificateId: e.certificateId,
      certificateSerial: e.certificateSerial ?? null,
      actingOfficialId: e.actingOfficialId,
      documentSha256: e.documentSha256,
      signedDocumentSha256: e.signedDocumentSha256 ?? null,
      signedAt: e.at,
      outcome: e.outcome,
      refusalCode: e.refusalCode ?? null,
      refusalReason: e.refusalReason ?? null,
      requestId: e.requestId ?? null,
      callerKind: e.caller?.kind ?? 'service',
      callerId: e.caller?.id ?? 'unknown',
      callerName: e.caller?.name ?? '',
      level: e.level ?? null,
      purpose: e.purpose ?? null,
      timestampTime: e.timestampTime ?? null,
      signingSessionId: e.signingSessionId ?? null,
    });
  }
}
