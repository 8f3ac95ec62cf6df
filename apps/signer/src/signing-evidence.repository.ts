import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { StoredDigests } from '@kyso/common';
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

/** Another INSERT made in the same statement as the evidence (both or neither), with its parameters $1..$n. */
export interface AlongsideInsert {
  sql: string;
  params: unknown[];
}

/** Port: where the evidence of each signature and extension is kept. */
export abstract class SigningEvidenceRepository {
  abstract record(r: SigningEvidenceRecord, alongside?: AlongsideInsert): Promise<void>;
}

const sha256 = (der: Uint8Array) => createHash('sha256').update(der).digest('hex');

/**
 * Each distinct DER item (certificate, CRL, OCSP answer) is stored once in signer.evidence_item;
 * a record lists the hashes. Items this process has stored already are not sent again, so a
 * signature with a known path costs one small INSERT; new items go in the same statement, and so
 * does the signature's event (`alongside`).
 */
@Injectable()
export class TypeOrmSigningEvidenceRepository extends SigningEvidenceRepository {
  /** Items are never deleted: what was stored stays. */
  private readonly known = new StoredDigests();

  constructor(@InjectRepository(SigningEvidenceEntity) private readonly repo: Repository<SigningEvidenceEntity>) {
    super();
  }

  async record(r: SigningEvidenceRecord, alongside?: AlongsideInsert): Promise<void> {
    const fresh = new Map<string, Uint8Array>();
    const hashes = (items: Uint8Array[]) =>
      items.map((der) => {
        const h = sha256(der);
        if (!this.known.has(h)) fresh.set(h, der);
        return h;
      });
    const certificates = hashes(r.evidence.certificates.map((c) => c.der));
    const crls = hashes(r.evidence.crls);
    const ocsps = hashes(r.evidence.ocsps);
    const before = alongside?.params ?? [];
    const $ = (i: number) => `$${before.length + i}`;
    await this.repo.query(
      `WITH ${alongside ? `alongside AS (${alongside.sql}), ` : ''}items AS (INSERT INTO signer.evidence_item (sha256, der)
         SELECT * FROM unnest(${$(1)}::char(64)[], ${$(2)}::bytea[]) ON CONFLICT DO NOTHING)
       INSERT INTO signer.signing_evidence (id, signature_event_id, operation, level, document_sha256, result_sha256,
         timestamp_time, certificates, crls, ocsps, recorded_at, request_id)
       VALUES (${[3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14].map($).join(', ')})`,
      [
        ...before,
        [...fresh.keys()],
        [...fresh.values()].map((d) => Buffer.from(d.buffer, d.byteOffset, d.byteLength)),
        r.id,
        r.signatureEventId ?? null,
        r.operation,
        r.level,
        r.documentSha256,
        r.resultSha256,
        r.timestampTime ?? null,
        JSON.stringify(certificates),
        JSON.stringify(crls),
        JSON.stringify(ocsps),
        r.at,
        r.requestId ?? null,
      ],
    );
    this.known.add([...fresh.keys()]);
  }
}
