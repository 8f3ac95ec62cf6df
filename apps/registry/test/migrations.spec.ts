import { Client } from 'pg';
import { createTestDatabase } from '../../../test/support/db';
import { migrateRegistry, revertRegistry } from '../src/data-source';
import { REGISTRY_MIGRATIONS } from '../src/migrations';

/** The records half's tables; the lifecycle adds its own (checked in its tests). */
const TABLES = [
  'audit_event',
  'certificate',
  'key_device',
  'key_device_handover',
  'official',
  'official_signature_image',
  'organization',
  'organization_event',
  'trust_anchor',
];

describe('registry migrations (real Postgres)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let c: Client;

  const tables = async () =>
    (
      await c.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'registry' AND table_name <> 'registry_migrations' ORDER BY 1`,
      )
    ).rows.map((r) => r.table_name);

  beforeAll(async () => {
    db = await createTestDatabase('kyso_registry_mig');
    c = new Client({ connectionString: db.url });
    await c.connect();
  });

  afterAll(async () => {
    await c?.end();
    await db?.drop();
  });

  it('creates the schema and every table, and a second run changes nothing', async () => {
    await migrateRegistry(db.url);
    expect(await tables()).toEqual(expect.arrayContaining(TABLES));
    await migrateRegistry(db.url);
    const { rows } = await c.query('SELECT count(*)::int AS n FROM registry.registry_migrations');
    expect(rows[0].n).toBe(REGISTRY_MIGRATIONS.length);
  });

  it('enforces the enums, the person-holder rule and the organisation tree in the database itself', async () => {
    const org = (
      await c.query(
        `INSERT INTO registry.organization (code, name, legal_entity) VALUES ('M1', 'm', true) RETURNING id`,
      )
    ).rows[0].id;
    await expect(
      c.query(
        `INSERT INTO registry.official (full_name, email, title, organization_id, roles) VALUES ('a', 'a@b', 't', $1, '{admin}')`,
        [org],
      ),
    ).rejects.toThrow(/official_roles_check/);
    await expect(
      c.query(
        `INSERT INTO registry.official (full_name, email, title, organization_id) VALUES ('a', 'a@b', 't', gen_random_uuid())`,
      ),
    ).rejects.toThrow(/foreign key/);
    await expect(
      c.query(
        `INSERT INTO registry.key_device (serial_number, model, organization_id, state) VALUES ('s', 'm', $1, 'issued')`,
        [org],
      ),
    ).rejects.toThrow(/key_device_issued_has_holder/);
    await expect(
      c.query(
        `INSERT INTO registry.certificate (serial_number, issuer, subject, subject_type, not_before, not_after, organization_id, key_uri, certificate_der, sha256, signing_pin_hash)
         VALUES ('01', 'i', 's', 'person', now(), now() + interval '1 day', $1, 'pkcs11:x', '\\x30', repeat('A', 64), 'scrypt$x')`,
        [org],
      ),
    ).rejects.toThrow(/certificate_person_has_holder/);
    await expect(
      c.query(
        `INSERT INTO registry.certificate (serial_number, issuer, subject, subject_type, not_before, not_after, organization_id, key_uri, certificate_der, sha256, signing_pin_hash, status)
         VALUES ('01', 'i', 's', 'organization', now(), now() + interval '1 day', $1, 'pkcs11:x', '\\x30', repeat('A', 64), 'scrypt$x', 'lost')`,
        [org],
      ),
    ).rejects.toThrow(/certificate_status_check/);
    await c.query('DELETE FROM registry.organization');
  });

  it('reverts every migration down to an empty schema, then migrates up again', async () => {
    await revertRegistry(db.url);
    expect(await tables()).toEqual([]);
    await migrateRegistry(db.url);
    expect(await tables()).toEqual(expect.arrayContaining(TABLES));
  });
});
