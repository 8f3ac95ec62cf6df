import { Injectable } from '@nestjs/common';
import { Db } from '../shared/transactions';
import { RequestLetterEntity } from './letter.entity';

export interface StoredLetter {
  requestId: string;
  pdf: Uint8Array;
  signedByOfficialId: string;
  certificateId: string;
  signatureId: string | null;
}

/** What a request letter names, as the registry holds it. */
export interface LetterFacts {
  agency: { name: string; address: string | null; parent_name: string | null };
  organization?: { name: string };
  official?: { full_name: string; email: string; title: string };
  certificate?: { serial_number: string; subject_type: string };
  device?: { serial_number: string };
}

/** Signed request letters, and the records a letter is drawn up and signed from. */
@Injectable()
export class LettersRepository {
  constructor(private readonly db: Db) {}

  async officialOrganizationId(officialId: string): Promise<string | undefined> {
    const [row]: { organization_id: string }[] = await this.db.query(
      'SELECT organization_id FROM registry.official WHERE id = $1',
      [officialId],
    );
    return row?.organization_id;
  }

  /** The official's own person certificate usable at `at` (the latest-ending one); the authorisation re-checks it. */
  async activePersonCertificateId(officialId: string, at: Date): Promise<string | undefined> {
    const [row]: { id: string }[] = await this.db.query(
      `SELECT id FROM registry.certificate WHERE subject_type = 'person' AND holder_official_id = $1 AND status = 'active'
        AND not_before <= $2 AND not_after >= $2 ORDER BY not_after DESC, id LIMIT 1`,
      [officialId, at],
    );
    return row?.id;
  }

  async facts(r: {
    managingOrganizationId: string;
    organizationId: string;
    officialId: string | null;
    certificateId: string | null;
    deviceId: string | null;
  }): Promise<LetterFacts> {
    const first = async <T>(sql: string, id: string | null): Promise<T | undefined> =>
      id ? ((await this.db.query<T[]>(sql, [id]))[0] ?? undefined) : undefined;
    const agency = await first<LetterFacts['agency']>(
      'SELECT o.name, o.address, p.name AS parent_name FROM registry.organization o LEFT JOIN registry.organization p ON p.id = o.parent_id WHERE o.id = $1',
      r.managingOrganizationId,
    );
    return {
      agency: agency!,
      organization: await first('SELECT name FROM registry.organization WHERE id = $1', r.organizationId),
      official: await first('SELECT full_name, email, title FROM registry.official WHERE id = $1', r.officialId),
      certificate: await first(
        'SELECT serial_number, subject_type FROM registry.certificate WHERE id = $1',
        r.certificateId,
      ),
      device: await first('SELECT serial_number FROM registry.key_device WHERE id = $1', r.deviceId),
    };
  }

  async upsert(letter: StoredLetter): Promise<void> {
    await this.db.repository(RequestLetterEntity).upsert({ ...letter, pdf: Buffer.from(letter.pdf) }, ['requestId']);
  }

  async pdf(requestId: string): Promise<Uint8Array | undefined> {
    const row = await this.db.repository(RequestLetterEntity).findOneBy({ requestId });
    return row ? new Uint8Array(row.pdf) : undefined;
  }
}
