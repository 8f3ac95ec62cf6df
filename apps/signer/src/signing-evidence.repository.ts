import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { SigningEvidence } from './signing-seams';
import { SigningEvidenceEntity } from './signing-evidence.entity';

export interface SigningEvidenceRecord {
  id: string;
  /** The signature event for `sign`; none for `extend` (no official signs). */
  signatureEventId?: string;
  operation: 'sign' | 'extend';
  level: string;
  documentSha256: string;
  resultSha256: string;
  timestampTime?: Date;
  evidence: SigningEvidence;
  at: Date;
  requestId?: string;
}

/** Port: where the evidence of each signature and extension is kept. */
export abstract class SigningEvidenceRepository {
  abstract record(r: SigningEvidenceRecord): Promise<void>;
}

const b64 = (items: Uint8Array[]) => items.map((b) => Buffer.from(b).toString('base64'));

@Injectable()
export class TypeOrmSigningEvidenceRepository extends SigningEvidenceRepository {
  constructor(@InjectRepository(SigningEvidenceEntity) private readonly repo: Repository<SigningEvidenceEntity>) {
    super();
  }

  async record(r: SigningEvidenceRecord): Promise<void> {
    await this.repo.insert({
      id: r.id,
      signatureEventId: r.signatureEventId ?? null,
      operation: r.operation,
      level: r.level,
      documentSha256: r.documentSha256,
      resultSha256: r.resultSha256,
      timestampTime: r.timestampTime ?? null,
      certificates: b64(r.evidence.certificates.map((c) => c.der)),
      crls: b64(r.evidence.crls),
      ocsps: b64(r.evidence.ocsps),
      recordedAt: r.at,
      requestId: r.requestId ?? null,
    });
  }
}
