import { MigrationInterface, QueryRunner } from 'typeorm';

/** The columns whose values are compressed lz4 from now on (when the server has it). */
const LZ4_COLUMNS: [table: string, column: string][] = [
  ['validation', 'report'],
  ['validation_evidence', 'report'],
  ['validation_evidence', 'material'],
  ['validation_evidence', 'signatures'],
];

/** The body of evidence_der_names (1799400000000), the same array of names in the same order. */
const DER_NAMES = `ARRAY(
  SELECT jsonb_array_elements_text(material->'certificates')
  UNION ALL SELECT x->>'sha256' FROM jsonb_array_elements(material->'crls') x
  UNION ALL SELECT x->>'sha256' FROM jsonb_array_elements(material->'ocspResponses') x)`;

/**
 * Less of PostgreSQL's CPU per stored validation (issue 16.3), the values stored unchanged:
 *
 * - verifier.evidence_der_names in PL/pgSQL: a SQL function that cannot be inlined is parsed and
 *   planned again in every statement that calls it (0.1–0.2 ms each: the GIN index of every record
 *   stored or updated, the DER check), a PL/pgSQL one keeps its plan for the session. Same result,
 *   so the index built with the old body stays valid.
 * - The reports, materials and signatures (a fast-path validation compresses its report twice, the
 *   row being over the TOAST threshold) compressed with lz4 instead of pglz, several times cheaper
 *   to compress and read for a few percent more bytes. Existing values keep their compression;
 *   a server built without lz4 keeps pglz.
 */
export class CheaperEvidenceStorage1799500000001 implements MigrationInterface {
  name = 'CheaperEvidenceStorage1799500000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION verifier.evidence_der_names(material jsonb) RETURNS text[]
        LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
        BEGIN
          IF material->>'format' = '2' THEN RETURN ${DER_NAMES}; END IF;
          RETURN NULL;
        END $$`);
    const [{ lz4 }] = await q.query(
      "SELECT 'lz4' = ANY(enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'",
    );
    if (lz4) await setCompression(q, 'lz4');
  }

  async down(q: QueryRunner): Promise<void> {
    await setCompression(q, 'pglz');
    await q.query(`
      CREATE OR REPLACE FUNCTION verifier.evidence_der_names(material jsonb) RETURNS text[]
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE WHEN material->>'format' = '2' THEN ${DER_NAMES} END $$`);
  }
}

async function setCompression(q: QueryRunner, method: 'lz4' | 'pglz'): Promise<void> {
  for (const [table, column] of LZ4_COLUMNS)
    await q.query(`ALTER TABLE verifier.${table} ALTER COLUMN ${column} SET COMPRESSION ${method}`);
}
