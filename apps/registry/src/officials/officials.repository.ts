import { Injectable } from '@nestjs/common';
import { FindOptionsWhere, Repository } from 'typeorm';
import type { Page } from '../shared/list-query.dto';
import { Db } from '../shared/transactions';
import type { VisibleTo } from '../ownership/visibility';
import { findVisiblePage } from '../ownership/visibility';
import type { NationalIdKind } from './national-id';
import type { ProtectedNationalId } from './national-ids';
import { EmploymentStatus, Official, OfficialRecord, OfficialRole } from './official';
import { OfficialEntity } from './official.entity';

export interface OfficialRow extends Pick<Official, 'fullName' | 'email' | 'title' | 'organizationId' | 'roles'> {
  nationalId: ProtectedNationalId | null;
}

export type OfficialRowPatch = Partial<
  Pick<Official, 'fullName' | 'email' | 'title' | 'organizationId' | 'roles' | 'employmentStatus'>
> & {
  nationalId?: ProtectedNationalId | null;
};

export interface SignatureImage {
  png: Buffer;
  width: number;
  height: number;
  sha256: string;
  uploadedAt: Date;
}

export interface OfficialFilter {
  organizationId?: string;
  employmentStatus?: EmploymentStatus;
  /** Only what this caller sees (none: everything); an official sees their own record. */
  visibleTo?: VisibleTo;
}

/** Persistence port for officials and their signature images. */
export abstract class OfficialsRepository {
  abstract insert(official: OfficialRow): Promise<OfficialRecord>;
  abstract findById(id: string): Promise<OfficialRecord | undefined>;
  abstract lock(id: string): Promise<OfficialRecord | undefined>;
  abstract update(id: string, patch: OfficialRowPatch): Promise<OfficialRecord>;
  abstract list(page: Page & OfficialFilter): Promise<OfficialRecord[]>;
  abstract findByNationalIdIndex(index: string): Promise<OfficialRecord[]>;
  abstract putSignatureImage(officialId: string, image: SignatureImage): Promise<void>;
  abstract signatureImage(officialId: string): Promise<SignatureImage | undefined>;
  abstract deleteSignatureImage(officialId: string): Promise<boolean>;
}

const columnsOf = (p: OfficialRowPatch): Partial<OfficialEntity> => {
  const { nationalId, ...rest } = p;
  if (nationalId === undefined) return rest;
  return {
    ...rest,
    nationalIdEncrypted: nationalId?.encrypted ?? null,
    nationalIdIndex: nationalId?.index ?? null,
    nationalIdKind: nationalId?.kind ?? null,
  };
};

@Injectable()
export class TypeOrmOfficialsRepository extends OfficialsRepository {
  constructor(private readonly db: Db) {
    super();
  }

  /** The table, in the caller's transaction when there is one. */
  private get repo(): Repository<OfficialEntity> {
    return this.db.repository(OfficialEntity);
  }

  async insert(official: OfficialRow): Promise<OfficialRecord> {
    return toRecord(await this.repo.save(this.repo.create({ ...columnsOf(official), employmentStatus: 'active' })));
  }

  /** Plain SQL: read on every signature, where TypeORM's query building costs more than the query. */
  async findById(id: string): Promise<OfficialRecord | undefined> {
    const rows: OfficialEntity[] = await this.db.query(
      `SELECT ${SELECT_COLUMNS} FROM registry.official o WHERE o.id = $1`,
      [id],
    );
    return rows[0] && toRecord(rows[0]);
  }

  async lock(id: string): Promise<OfficialRecord | undefined> {
    const e = await this.repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    return e ? toRecord(e) : undefined;
  }

  async update(id: string, patch: OfficialRowPatch): Promise<OfficialRecord> {
    const cols = columnsOf(patch);
    if (Object.keys(cols).length > 0) await this.repo.update({ id }, cols);
    return (await this.findById(id))!;
  }

  async list(q: Page & OfficialFilter): Promise<OfficialRecord[]> {
    const where: FindOptionsWhere<OfficialEntity> = {};
    if (q.organizationId) where.organizationId = q.organizationId;
    if (q.employmentStatus) where.employmentStatus = q.employmentStatus;
    return (await findVisiblePage(this.repo, where, q, 'organizationId', 'id')).map(toRecord);
  }

  async findByNationalIdIndex(index: string): Promise<OfficialRecord[]> {
    return (await this.repo.find({ where: { nationalIdIndex: index }, order: { createdAt: 'ASC' } })).map(toRecord);
  }

  async putSignatureImage(officialId: string, i: SignatureImage): Promise<void> {
    await this.db.query(
      `INSERT INTO registry.official_signature_image (official_id, png, width, height, sha256, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (official_id) DO UPDATE SET png = EXCLUDED.png, width = EXCLUDED.width, height = EXCLUDED.height, sha256 = EXCLUDED.sha256, uploaded_at = EXCLUDED.uploaded_at`,
      [officialId, i.png, i.width, i.height, i.sha256, i.uploadedAt],
    );
  }

  async signatureImage(officialId: string): Promise<SignatureImage | undefined> {
    const [row] = await this.db.query<
      { png: Buffer; width: number; height: number; sha256: string; uploaded_at: Date }[]
    >('SELECT png, width, height, sha256, uploaded_at FROM registry.official_signature_image WHERE official_id = $1', [
      officialId,
    ]);
    return row
      ? { png: row.png, width: row.width, height: row.height, sha256: row.sha256, uploadedAt: row.uploaded_at }
      : undefined;
  }

  async deleteSignatureImage(officialId: string): Promise<boolean> {
    const [, count] = await this.db.query<[unknown, number]>(
      'DELETE FROM registry.official_signature_image WHERE official_id = $1',
      [officialId],
    );
    return count > 0;
  }
}

/** Each property of the entity and its column: a column added to the entity must be added here. */
const COLUMN: Record<keyof OfficialEntity, string> = {
  id: 'id',
  fullName: 'full_name',
  email: 'email',
  title: 'title',
  organizationId: 'organization_id',
  employmentStatus: 'employment_status',
  roles: 'roles',
  nationalIdEncrypted: 'national_id_encrypted',
  nationalIdIndex: 'national_id_index',
  nationalIdKind: 'national_id_kind',
  createdAt: 'created_at',
};
const PROPERTIES = Object.keys(COLUMN) as (keyof OfficialEntity)[];

/** The official's columns, each named as its entity property (rows read by plain SQL go through `toRecord`). */
const SELECT_COLUMNS = PROPERTIES.map((p) => `o.${COLUMN[p]} AS "${p}"`).join(', ');

function toRecord(e: OfficialEntity): OfficialRecord {
  return {
    id: e.id,
    fullName: e.fullName,
    email: e.email,
    title: e.title,
    organizationId: e.organizationId,
    employmentStatus: e.employmentStatus as EmploymentStatus,
    roles: e.roles as OfficialRole[],
    nationalIdKind: (e.nationalIdKind as NationalIdKind | null) ?? null,
    nationalIdEncrypted: e.nationalIdEncrypted ? new Uint8Array(e.nationalIdEncrypted) : null,
    nationalIdIndex: e.nationalIdIndex,
    createdAt: e.createdAt,
  };
}
