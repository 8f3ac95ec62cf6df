import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The API holds each document's earliest proofs in memory (HeldProofs): every change that can alter
 * them notifies `verifier_evidence` with the document's digest, delivered at commit. A record
 * stored unsealed cannot (it proves nothing until sealed), so the fast path's own INSERTs stay
 * silent and the held proofs of a document validated again and again stay held; one inserted
 * already sealed, any UPDATE (its seal, a change) and any DELETE (a purge) notify, a TRUNCATE
 * notifies `*`; an UPDATE that only seals a record notifies `<digest> sealed <record id>`. The proof index is not watched: changing it can only hide a proof.
 */
export class NotifyEvidenceChanges1799320000000 implements MigrationInterface {
  name = 'NotifyEvidenceChanges1799320000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION verifier.notify_evidence() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'TRUNCATE' THEN
          PERFORM pg_notify('verifier_evidence', '*');
          RETURN NULL;
        END IF;
        -- A seal and nothing else names its record: the process that built it may keep what it holds.
        IF TG_OP = 'UPDATE' AND OLD.audit_hash IS NULL AND NEW.audit_hash IS NOT NULL
           AND (OLD.id, OLD.validation_id, OLD.document_sha256, OLD.validated_at, OLD.signatures,
                OLD.material, OLD.report, OLD.record_sha256)
               IS NOT DISTINCT FROM (NEW.id, NEW.validation_id, NEW.document_sha256, NEW.validated_at,
                NEW.signatures, NEW.material, NEW.report, NEW.record_sha256) THEN
          PERFORM pg_notify('verifier_evidence', NEW.document_sha256 || ' sealed ' || NEW.id);
          RETURN NULL;
        END IF;
        -- pg_notify sends one notification per payload per transaction, however many rows.
        IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM pg_notify('verifier_evidence', OLD.document_sha256); END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM pg_notify('verifier_evidence', NEW.document_sha256); END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER validation_evidence_stored_sealed AFTER INSERT ON verifier.validation_evidence
        FOR EACH ROW WHEN (NEW.audit_hash IS NOT NULL) EXECUTE FUNCTION verifier.notify_evidence()`);
    await q.query(`
      CREATE TRIGGER validation_evidence_changed AFTER UPDATE OR DELETE ON verifier.validation_evidence
        FOR EACH ROW EXECUTE FUNCTION verifier.notify_evidence()`);
    await q.query(`
      CREATE TRIGGER validation_evidence_emptied AFTER TRUNCATE ON verifier.validation_evidence
        FOR EACH STATEMENT EXECUTE FUNCTION verifier.notify_evidence()`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['stored_sealed', 'changed', 'emptied'])
      await q.query(`DROP TRIGGER validation_evidence_${t} ON verifier.validation_evidence`);
    await q.query('DROP FUNCTION verifier.notify_evidence()');
  }
}
