import { Injectable } from '@nestjs/common';
import { FindOptionsWhere, Repository } from 'typeorm';
import type { Page } from '../shared/list-query.dto';
import { Db } from '../shared/transactions';
import type { VisibleTo } from '../ownership/visibility';
import { findVisiblePage } from '../ownership/visibility';
import { CertificateRecord, CertificateStatus, NewCertificateRecord, SubjectType } from './certificate';
import { CertificateEntity } from './certificate.entity';
import type { KeySubject } from './key-binding';

export interface CertificateFilter {
  holderOfficialId?: string;
  organizationId?: string;
  /** Only what this caller sees (none: everything). */
  visibleTo?: VisibleTo;
}

/** Persistence port for certificates. */
export abstract class CertificatesRepository {
  abstract insert(c: NewCertificateRecord): Promise<CertificateRecord>;
  abstract findById(id: string): Promise<CertificateRecord | undefined>;
  abstract lock(id: string): Promise<CertificateRecord | undefined>;
  abstract setStatus(
    id: string,
    s: { status: CertificateStatus; revocationReason: string | null; revokedAt: Date | null },
  ): Promise<CertificateRecord>;
  abstract list(q: Page & CertificateFilter): Promise<CertificateRecord[]>;
  /**
   * The subjects a public key is registered for, after taking a transaction-scoped advisory lock
   * on the key so that two parallel registrations of one key take turns.
   */
  abstract lockKeyHolders(keySha256: string): Promise<KeySubject[]>;
  /** The revoked certificates an issuer (by subject DN) issued, for its CRL and OCSP answers. */
  abstract revokedIssuedBy(issuer: string): Promise<RevokedCertificate[]>;
  /** Which of `serials` (hex, upper case) the registry holds as issued by `issuer`. */
  abstract issuedSerials(issuer: string, serials: string[]): Promise<Set<string>>;
}

export interface RevokedCertificate {
  serialNumber: string;
  revokedAt: Date;
  revocationReason: string | null;
}

export const CERTIFICATE_SHA256_KEY = 'certificate_sha256_key';

@Injectable()
export class TypeOrmCertificatesRepository extends CertificatesRepository {
  constructor(private readonly db: Db) {
    super();
  }

  /** The table, in the caller's transaction when there is one. */
  private get repo(): Repository<CertificateEntity> {
    return this.db.repository(CertificateEntity);
  }

  async insert(c: NewCertificateRecord): Promise<CertificateRecord> {
    const entity = this.repo.create({
      ...c,
      status: 'active',
      certificateDer: Buffer.from(c.certificateDer),
      chainDer: c.chainDer.map((d) => Buffer.from(d)),
    });
    return toRecord(await this.repo.save(entity));
  }

  /** Plain SQL: read on every signature, where TypeORM's query building costs more than the query. */
  async findById(id: string): Promise<CertificateRecord | undefined> {
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT ${certificateColumns('c')} FROM registry.certificate c WHERE c.id = $1`,
      [id],
    );
    return rows[0] && certificateFromRow(rows[0]);
  }

  async lock(id: string): Promise<CertificateRecord | undefined> {
    const e = await this.repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    return e ? toRecord(e) : undefined;
  }

  async setStatus(
    id: string,
    s: { status: CertificateStatus; revocationReason: string | null; revokedAt: Date | null },
  ): Promise<CertificateRecord> {
    await this.repo.update({ id }, s);
    return (await this.findById(id))!;
  }

  async list(q: Page & CertificateFilter): Promise<CertificateRecord[]> {
    const where: FindOptionsWhere<CertificateEntity> = {};
    if (q.holderOfficialId) where.holderOfficialId = q.holderOfficialId;
    if (q.organizationId) where.organizationId = q.organizationId;
    return (await findVisiblePage(this.repo, where, q, 'organizationId', 'holderOfficialId')).map(toRecord);
  }

  async lockKeyHolders(keySha256: string): Promise<KeySubject[]> {
    await this.db.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 7311))', [`certificate-key:${keySha256}`]);
    const rows: { subject_type: SubjectType; holder_official_id: string | null; organization_id: string }[] =
      await this.db.query(
        'SELECT subject_type, holder_official_id, organization_id FROM registry.certificate WHERE public_key_sha256 = $1',
        [keySha256],
      );
    return rows.map((r) => ({
      subjectType: r.subject_type,
      holderOfficialId: r.holder_official_id,
      organizationId: r.organization_id,
    }));
  }

  async issuedSerials(issuer: string, serials: string[]): Promise<Set<string>> {
    if (serials.length === 0) return new Set();
    const rows: { serial_number: string }[] = await this.db.query(
      'SELECT serial_number FROM registry.certificate WHERE issuer = $1 AND serial_number = ANY($2)',
      [issuer, serials],
    );
    return new Set(rows.map((r) => r.serial_number));
  }

  async revokedIssuedBy(issuer: string): Promise<RevokedCertificate[]> {
    const rows: { serial_number: string; revoked_at: Date; revocation_reason: string | null }[] = await this.db.query(
      `SELECT serial_number, revoked_at, revocation_reason FROM registry.certificate WHERE status = 'revoked' AND issuer = $1`,
      [issuer],
    );
    return rows.map((r) => ({
      serialNumber: r.serial_number,
      revokedAt: r.revoked_at,
      revocationReason: r.revocation_reason,
    }));
  }
}

/** Each property of the entity and its column: a column added to the entity must be added here. */
const COLUMN: Record<keyof CertificateEntity, string> = {
  id: 'id',
  serialNumber: 'serial_number',
  issuer: 'issuer',
  subject: 'subject',
  subjectType: 'subject_type',
  notBefore: 'not_before',
  notAfter: 'not_after',
  status: 'status',
  revocationReason: 'revocation_reason',
  revokedAt: 'revoked_at',
  holderOfficialId: 'holder_official_id',
  organizationId: 'organization_id',
  deviceId: 'device_id',
  keyUri: 'key_uri',
  certificateDer: 'certificate_der',
  chainDer: 'chain_der',
  sha256: 'sha256',
  publicKeySha256: 'public_key_sha256',
  signingPinHash: 'signing_pin_hash',
  renewalOfId: 'renewal_of_id',
  createdAt: 'created_at',
};
const PROPERTIES = Object.keys(COLUMN) as (keyof CertificateEntity)[];

/**
 * The chain as one text of base64 items joined by ',' (in order): pg reads a bytea[] through a
 * JavaScript array parser that walks its hex text a character at a time, a measurable part of the
 * registry's CPU on every signature (the certificate is read at every use of a signing session).
 */
const chainBase64 = (alias: string) =>
  `array_to_string(ARRAY(SELECT encode(d, 'base64') FROM unnest(${alias}.chain_der) WITH ORDINALITY AS t(d, n) ORDER BY n), ',')`;

/** A select list of the certificate row `alias`, each column named `<prefix><property>`. */
export const certificateColumns = (alias: string, prefix = ''): string =>
  PROPERTIES.map((p) => `${p === 'chainDer' ? chainBase64(alias) : `${alias}.${COLUMN[p]}`} AS "${prefix}${p}"`).join(
    ', ',
  );

/** The record a row selected with `certificateColumns` holds; undefined when its id is null (no row). */
export function certificateFromRow(row: Record<string, unknown>, prefix = ''): CertificateRecord | undefined {
  if (row[`${prefix}id`] == null) return undefined;
  const chain = row[`${prefix}chainDer`] as string | null;
  const e = Object.fromEntries(PROPERTIES.map((p) => [p, row[`${prefix}${p}`]])) as unknown as CertificateEntity;
  e.chainDer = chain ? chain.split(',').map((b) => Buffer.from(b, 'base64')) : [];
  return toRecord(e);
}

function toRecord(e: CertificateEntity): CertificateRecord {
  return {
    id: e.id,
    serialNumber: e.serialNumber,
    issuer: e.issuer,
    subject: e.subject,
    subjectType: e.subjectType as SubjectType,
    notBefore: e.notBefore,
    notAfter: e.notAfter,
    status: e.status as CertificateStatus,
    revocationReason: e.revocationReason,
    revokedAt: e.revokedAt,
    holderOfficialId: e.holderOfficialId,
    organizationId: e.organizationId,
    deviceId: e.deviceId,
    keyUri: e.keyUri,
    certificateDer: new Uint8Array(e.certificateDer),
    chainDer: (e.chainDer ?? []).map((d) => new Uint8Array(d)),
    sha256: e.sha256,
    publicKeySha256: e.publicKeySha256 ?? null,
    signingPinHash: e.signingPinHash,
    renewalOfId: e.renewalOfId ?? null,
    createdAt: e.createdAt,
  };
}
