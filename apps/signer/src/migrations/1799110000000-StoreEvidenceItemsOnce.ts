import { MigrationInterface, QueryRunner } from 'typeorm';

/** The three evidence lists of signer.signing_evidence, in order. */
const LISTS = ['certificates', 'crls', 'ocsps'];

/**
 * Every signature with one certificate carries the same path and CRLs: each distinct DER item is
 * now kept once in signer.evidence_item, by its SHA-256, and signing_evidence lists the hashes
 * (in the same order) instead of repeating the bytes with every signature.
 */
export class StoreEvidenceItemsOnce1799110000000 implements MigrationInterface {
  name = 'StoreEvidenceItemsOnce1799110000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE signer.evidence_item (
        sha256 char(64) PRIMARY KEY,
        der bytea NOT NULL
      )`);
    for (const list of LISTS) {
      await q.query(`
        INSERT INTO signer.evidence_item (sha256, der)
        SELECT DISTINCT encode(sha256(decode(x, 'base64')), 'hex'), decode(x, 'base64')
          FROM signer.signing_evidence, jsonb_array_elements_text(${list}) AS x
        ON CONFLICT DO NOTHING`);
      await q.query(`
        UPDATE signer.signing_evidence SET ${list} = (
          SELECT COALESCE(jsonb_agg(encode(sha256(decode(x, 'base64')), 'hex') ORDER BY n), '[]'::jsonb)
            FROM jsonb_array_elements_text(${list}) WITH ORDINALITY AS t(x, n))`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const list of LISTS)
      await q.query(`
        UPDATE signer.signing_evidence SET ${list} = (
          SELECT COALESCE(jsonb_agg(encode(i.der, 'base64') ORDER BY n), '[]'::jsonb)
            FROM jsonb_array_elements_text(${list}) WITH ORDINALITY AS t(h, n)
            JOIN signer.evidence_item i ON i.sha256 = t.h)`);
    await q.query('DROP TABLE signer.evidence_item');
  }
}
