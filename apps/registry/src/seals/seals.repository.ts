import { Injectable } from '@nestjs/common';
import { Db } from '../shared/transactions';

export interface SealImage {
  png: Buffer;
  width: number;
  height: number;
  sha256: string;
  uploadedAt: Date;
}

/** Seal images, apart from the organisation's row so lists stay light. */
@Injectable()
export class SealsRepository {
  constructor(private readonly db: Db) {}

  async put(organizationId: string, i: SealImage): Promise<void> {
    await this.db.query(
      `INSERT INTO registry.organization_seal_image (organization_id, png, width, height, sha256, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (organization_id) DO UPDATE SET png = EXCLUDED.png, width = EXCLUDED.width, height = EXCLUDED.height, sha256 = EXCLUDED.sha256, uploaded_at = EXCLUDED.uploaded_at`,
      [organizationId, i.png, i.width, i.height, i.sha256, i.uploadedAt],
    );
  }

  async get(organizationId: string): Promise<SealImage | undefined> {
    const [row] = await this.db.query<
      { png: Buffer; width: number; height: number; sha256: string; uploaded_at: Date }[]
    >(
      'SELECT png, width, height, sha256, uploaded_at FROM registry.organization_seal_image WHERE organization_id = $1',
      [organizationId],
    );
    return row
      ? { png: row.png, width: row.width, height: row.height, sha256: row.sha256, uploadedAt: row.uploaded_at }
      : undefined;
  }

  async delete(organizationId: string): Promise<boolean> {
    const [, count] = await this.db.query<[unknown, number]>(
      'DELETE FROM registry.organization_seal_image WHERE organization_id = $1',
      [organizationId],
    );
    return count > 0;
  }
}
