import { MigrationInterface, QueryRunner } from 'typeorm';

/** What an anchor is trusted for, and whether it is currently served to the verifier. */
export class AddTrustAnchorPurposeAndState1796000000900 implements MigrationInterface {
  name = 'AddTrustAnchorPurposeAndState1796000000900';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE registry.trust_anchor
        ADD COLUMN purpose text NOT NULL DEFAULT 'document-signing',
        ADD COLUMN disabled_at timestamptz NULL,
        ADD CONSTRAINT trust_anchor_purpose_check CHECK (purpose IN ('document-signing', 'timestamping', 'any'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE registry.trust_anchor DROP CONSTRAINT trust_anchor_purpose_check, DROP COLUMN disabled_at, DROP COLUMN purpose',
    );
  }
}
