import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The same notifications and the same DER check, for less of PostgreSQL's CPU per fast-path
 * validation (issue 16.3):
 *
 * - A seal (markSealed: an UPDATE of the seal columns alone) no longer runs the comparison of every
 *   column of the record before and after (1799320000000), which read back and decompressed the
 *   TOASTed report twice per record sealed. A seal is told by what the UPDATE sets: an UPDATE OF
 *   the seal columns notifies `<digest> sealed <id>` when it seals an unsealed record and the digest
 *   otherwise; an UPDATE OF any other column notifies as before (with the comparison, so one that
 *   also seals and changes nothing still says `sealed`). An UPDATE setting both kinds sends both:
 *   the digest among them, the held proofs are dropped, as before. A column added later must join
 *   one of the lists.
 * - The DER check (1799400000000) runs once per statement over the records it stored (a transition
 *   table) instead of once per record: one lock and one query for a batch of records, the same
 *   refusal (23503, constraint `validation_evidence_der`) naming the first record and DER missing.
 */
export class CheaperEvidenceTriggers1799500000000 implements MigrationInterface {
  name = 'CheaperEvidenceTriggers1799500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER validation_evidence_changed ON verifier.validation_evidence');
    await q.query(`
      CREATE TRIGGER validation_evidence_changed
        AFTER UPDATE OF id, validation_id, document_sha256, validated_at, signatures, material, report,
                        record_sha256, created_at
           OR DELETE ON verifier.validation_evidence
        FOR EACH ROW EXECUTE FUNCTION verifier.notify_evidence()`);
    await q.query(`
      CREATE FUNCTION verifier.notify_evidence_seal() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.audit_hash IS NULL AND NEW.audit_hash IS NOT NULL THEN
          PERFORM pg_notify('verifier_evidence', NEW.document_sha256 || ' sealed ' || NEW.id);
        ELSE
          PERFORM pg_notify('verifier_evidence', OLD.document_sha256);
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER validation_evidence_seal_changed
        AFTER UPDATE OF audit_seq, audit_hash, sealed_at ON verifier.validation_evidence
        FOR EACH ROW EXECUTE FUNCTION verifier.notify_evidence_seal()`);

    await q.query('DROP TRIGGER validation_evidence_ders_stored ON verifier.validation_evidence');
    await q.query('DROP FUNCTION verifier.check_evidence_ders()');
    await q.query(`
      CREATE FUNCTION verifier.check_evidence_ders() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE missing record;
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM stored WHERE material->>'format' = '2') THEN RETURN NULL; END IF;
        LOCK TABLE verifier.evidence_der IN ROW SHARE MODE;
        SELECT s.id, n.name INTO missing
          FROM stored s, unnest(verifier.evidence_der_names(s.material)) n(name)
         WHERE s.material->>'format' = '2'
           AND NOT EXISTS (SELECT 1 FROM verifier.evidence_der d WHERE d.sha256 = n.name) LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'evidence record % names DER % that is not stored', missing.id, missing.name
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'validation_evidence_der';
        END IF;
        RETURN NULL;
      END $$`);
    // AFTER: run at the statement's end, when the DERs it stores (a CTE of it) are visible.
    await q.query(`
      CREATE TRIGGER validation_evidence_ders_stored AFTER INSERT ON verifier.validation_evidence
        REFERENCING NEW TABLE AS stored FOR EACH STATEMENT EXECUTE FUNCTION verifier.check_evidence_ders()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER validation_evidence_ders_stored ON verifier.validation_evidence');
    await q.query('DROP FUNCTION verifier.check_evidence_ders()');
    await q.query(`
      CREATE FUNCTION verifier.check_evidence_ders() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE missing text;
      BEGIN
        LOCK TABLE verifier.evidence_der IN ROW SHARE MODE;
        SELECT n INTO missing FROM unnest(verifier.evidence_der_names(NEW.material)) n
         WHERE NOT EXISTS (SELECT 1 FROM verifier.evidence_der d WHERE d.sha256 = n) LIMIT 1;
        IF missing IS NOT NULL THEN
          RAISE EXCEPTION 'evidence record % names DER % that is not stored', NEW.id, missing
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'validation_evidence_der';
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER validation_evidence_ders_stored AFTER INSERT ON verifier.validation_evidence
        FOR EACH ROW WHEN (NEW.material->>'format' = '2') EXECUTE FUNCTION verifier.check_evidence_ders()`);
    await q.query('DROP TRIGGER validation_evidence_seal_changed ON verifier.validation_evidence');
    await q.query('DROP FUNCTION verifier.notify_evidence_seal()');
    await q.query('DROP TRIGGER validation_evidence_changed ON verifier.validation_evidence');
    await q.query(`
      CREATE TRIGGER validation_evidence_changed AFTER UPDATE OR DELETE ON verifier.validation_evidence
        FOR EACH ROW EXECUTE FUNCTION verifier.notify_evidence()`);
  }
}
