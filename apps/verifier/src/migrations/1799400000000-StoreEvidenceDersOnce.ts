import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every record of a document repeated the same certificates, CRLs and OCSP answers (issue 16.3:
 * 5.8 KB of each fast-path INSERT). A record of format 2 (`material.format = 2`) names each DER by
 * its SHA-256 (hex, lower case) and the DER is kept once in verifier.evidence_der; older records
 * keep their inline material (their hash is over it). The DER rows are inserted without any notify
 * trigger (HeldProofs hears records only).
 *
 * Integrity, as a foreign key would give it: a format 2 record is refused (23503, constraint
 * `validation_evidence_der`) when a DER it names is not stored. The check takes ROW SHARE on
 * evidence_der and the purge's orphan sweep EXCLUSIVE, so a sweep never removes a DER a record
 * being stored names: whichever comes second sees the other (a process that believed a swept DER
 * stored is refused and sends it again). The GIN index finds the records naming a DER for the sweep.
 */
export class StoreEvidenceDersOnce1799400000000 implements MigrationInterface {
  name = 'StoreEvidenceDersOnce1799400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE verifier.evidence_der (sha256 text PRIMARY KEY, der bytea NOT NULL)');
    await q.query(`
      CREATE FUNCTION verifier.evidence_der_names(material jsonb) RETURNS text[]
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE WHEN material->>'format' = '2' THEN ARRAY(
          SELECT jsonb_array_elements_text(material->'certificates')
          UNION ALL SELECT x->>'sha256' FROM jsonb_array_elements(material->'crls') x
          UNION ALL SELECT x->>'sha256' FROM jsonb_array_elements(material->'ocspResponses') x) END $$`);
    await q.query(`
      CREATE INDEX validation_evidence_der_names ON verifier.validation_evidence
        USING gin (verifier.evidence_der_names(material)) WHERE material->>'format' = '2'`);
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
    // AFTER: run at the statement's end, when the DERs it stores (a CTE of it) are visible.
    await q.query(`
      CREATE TRIGGER validation_evidence_ders_stored AFTER INSERT ON verifier.validation_evidence
        FOR EACH ROW WHEN (NEW.material->>'format' = '2') EXECUTE FUNCTION verifier.check_evidence_ders()`);
  }

  /** Format 2 records get their DERs inline again; their hash stays over the names (older code finds them changed). */
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER validation_evidence_ders_stored ON verifier.validation_evidence');
    await q.query('DROP FUNCTION verifier.check_evidence_ders()');
    // A DER in base64 as the inline material held it (encode breaks lines every 76 characters).
    const b64 = "translate(encode(d.der, 'base64'), E'\\n', '')";
    const fetches = (list: string) => `(
      SELECT COALESCE(jsonb_agg((x - 'sha256') || jsonb_build_object('der', ${b64}) ORDER BY n), '[]'::jsonb)
        FROM jsonb_array_elements(e.material->'${list}') WITH ORDINALITY t(x, n)
        LEFT JOIN verifier.evidence_der d ON d.sha256 = t.x->>'sha256')`;
    await q.query(`
      UPDATE verifier.validation_evidence e SET material = jsonb_build_object(
        'certificates', (SELECT COALESCE(jsonb_agg(${b64} ORDER BY n), '[]'::jsonb)
                           FROM jsonb_array_elements_text(e.material->'certificates') WITH ORDINALITY t(h, n)
                           LEFT JOIN verifier.evidence_der d ON d.sha256 = t.h),
        'crls', ${fetches('crls')},
        'ocspResponses', ${fetches('ocspResponses')})
       WHERE e.material->>'format' = '2'`);
    await q.query('DROP INDEX verifier.validation_evidence_der_names');
    await q.query('DROP FUNCTION verifier.evidence_der_names(jsonb)');
    await q.query('DROP TABLE verifier.evidence_der');
  }
}
