import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signing sessions (issue 12.4): one PIN check for many signatures. Only the token's SHA-256 is
 * kept; the session is bound to certificate, official and calling system (and the operator's
 * sign-in). Signature records (issue 12.7): every signature and refusal the signer reports, listed by
 * GET /signatures; each is also an entry of the hash-chained audit log.
 */
export class CreateSigningSessionAndSignatureRecord1798060000000 implements MigrationInterface {
  name = 'CreateSigningSessionAndSignatureRecord1798060000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE registry.signing_session (
        id uuid PRIMARY KEY,
        token_sha256 char(64) NOT NULL UNIQUE,
        certificate_id uuid NOT NULL REFERENCES registry.certificate (id) ON DELETE CASCADE,
        official_id uuid NOT NULL REFERENCES registry.official (id) ON DELETE CASCADE,
        caller_kind text NOT NULL,
        caller_id text NOT NULL,
        caller_session_id text NULL,
        max_uses integer NOT NULL,
        remaining_uses integer NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        ended_at timestamptz NULL,
        end_reason text NULL,
        CONSTRAINT signing_session_remaining_check CHECK (remaining_uses >= 0 AND remaining_uses <= max_uses)
      )`);
    await q.query('CREATE INDEX signing_session_certificate_idx ON registry.signing_session (certificate_id)');
    await q.query(`
      CREATE TABLE registry.signature_record (
        id uuid PRIMARY KEY,
        at timestamptz NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('signed', 'refused')),
        refusal_code text NULL,
        refusal_reason text NULL,
        caller_kind text NOT NULL,
        caller_id text NOT NULL,
        caller_name text NOT NULL,
        acting_official_id text NOT NULL,
        official_organization_id uuid NULL,
        certificate_id text NOT NULL,
        certificate_organization_id uuid NULL,
        certificate_serial text NULL,
        document_sha256 char(64) NOT NULL,
        signed_document_sha256 char(64) NULL,
        level text NULL,
        purpose text NULL,
        timestamp_time timestamptz NULL,
        signing_session_id uuid NULL,
        request_id text NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX signature_record_at_idx ON registry.signature_record (at, id)');
    await q.query('CREATE INDEX signature_record_official_idx ON registry.signature_record (acting_official_id, at)');
    await q.query(
      'CREATE INDEX signature_record_org_idx ON registry.signature_record (official_organization_id, certificate_organization_id)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE registry.signature_record');
    await q.query('DROP TABLE registry.signing_session');
  }
}
