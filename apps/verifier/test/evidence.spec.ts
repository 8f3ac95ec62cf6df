import 'reflect-metadata';
import request from 'supertest';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { Queue } from 'bullmq';
import { InternalClient, SystemClock } from '@kyso/common';
import { DevCa, generateSoftwareKey, signPdf, type Certificate } from '@kyso/pki';
import { verifierDataSourceOptions } from '../src/data-source';
import { RegistryEvidenceAudit } from '../src/evidence/evidence-audit';
import { EvidenceEntity } from '../src/evidence/evidence.entity';
import { TypeOrmEvidenceRepository } from '../src/evidence/evidence.repository';
import { EVIDENCE_PURGED, EVIDENCE_RECORDED, ValidationEvidence } from '../src/evidence/validation-evidence';
import { TableChanges } from '../src/table-changes';
import { unsignedPdf } from './fixtures';
import { anchorView } from './registry-stub';
import { VerifierStack } from './stack';
import { TOKEN } from './support';

interface EvidenceRow {
  id: string;
  validation_id: string;
  document_sha256: string;
  validated_at: Date;
  record_sha256: string;
  audit_seq: string | null;
  audit_hash: string | null;
  signatures: { signatureSha256: string; totalPassed: boolean; judgedAt: string }[];
  material: { certificates: string[]; crls: { der: string }[]; ocspResponses: { der: string }[] };
}

/**
 * Our own evidence as proof of existence (issue 10, R26), through the API and the worker with real
 * Postgres (migrated), Redis and CRLs over HTTP: a B-B document validated while its signer was good
 * stays valid after the signer's certificate is revoked, because the sealed record of that
 * validation proves the signature existed then; the same key's other signatures do not.
 */
describe('verifier validation evidence', () => {
  let db: VerifierStack['db'];
  const stack = new VerifierStack('ev');
  let base: string;
  let unsigned: Buffer;
  let pg: Client;
  let ds: DataSource;
  const { registry, server, prefix } = stack;
  const RETENTION_DAYS = 30;
  const waiting = new Set<{ digest: string; heard: () => void }>();
  /** Resolves once the API heard a change of this document's evidence (ask before making the change). */
  const heard = (digest: string) =>
    new Promise<void>((resolve) => waiting.add({ digest: digest.toUpperCase(), heard: resolve }));

  beforeAll(async () => {
    ({ db, base } = await stack.start('kyso_verifier_ev', {
      maxUploadBytes: 1024 * 1024,
      workerConcurrency: 2,
      jobAttempts: 3,
      revocation: { waitMs: 8_000, attempts: 2, fetchAllow: ['127.0.0.1'] },
      evidence: { retentionDays: RETENTION_DAYS },
    }));
    unsigned = await unsignedPdf();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    ds = await new DataSource(verifierDataSourceOptions(db.url)).initialize();
    const changes = stack.app.get(TableChanges);
    // Registered after the API's own listener (HeldProofs): heard here, the held proofs are dropped.
    changes.onEvidence((payload) => {
      const digest = payload.split(' ')[0].toUpperCase();
      for (const w of [...waiting])
        if (w.digest === digest || digest === '*') {
          waiting.delete(w);
          w.heard();
        }
    });
    // The API holds proofs only while it listens (else it reads through): started at boot, awaited here.
    for (let i = 0; i < 100 && changes.epoch() === undefined; i++) await new Promise((r) => setTimeout(r, 50));
    expect(changes.epoch()).toBeDefined();
  });

  afterAll(async () => {
    await ds?.destroy();
    await pg?.end();
    await stack.stop();
  });

  /** The maintenance the worker's repeatable job runs, on its own objects (so the test decides when). */
  const maintenance = () =>
    new ValidationEvidence(
      new TypeOrmEvidenceRepository(ds.getRepository(EvidenceEntity)),
      new RegistryEvidenceAudit(new InternalClient(registry.url, TOKEN, 5_000, 'the registry service')),
      new SystemClock(),
      RETENTION_DAYS,
    );

  /** A root and a government CA publishing CRLs on this test's paths, and one official's key signing documents. */
  async function testPki(name: string) {
    const path = (p: string) => `/${name}/${p}`;
    const url = (p: string) => `${server.url}${path(p)}`;
    const root = await DevCa.createRoot({ commonName: `${name} Root`, crlUrls: [url('root.crl')] });
    const sub = await root.createSubordinate({ commonName: `${name} CA`, crlUrls: [url('sub.crl')] });
    server.crl(path('root.crl'), root);
    server.crl(path('sub.crl'), sub);
    registry.anchors.push(anchorView(root.certificate.toPem(), name));
    const key = generateSoftwareKey('ECDSA-P256-SHA256');
    const certificate: Certificate = await sub.issue({
      subject: { CN: 'Trần Thị B', O: 'Sở Nội vụ', C: 'VN' },
      publicKeySpki: key.publicKeySpki,
      profile: 'person',
    });
    const sign = async (reason: string) =>
      Buffer.from(
        await signPdf(unsigned, {
          signer: key.signer,
          certificate,
          chain: [sub.certificate],
          signingTime: new Date(Math.floor(Date.now() / 1000) * 1000),
          reason,
        }),
      );
    /** Revokes the official after `after` (CRL times are whole seconds) and drops the cached CRLs. */
    const revokeAfter = async (after: Date) => {
      const revocationDate = new Date(Math.floor(after.getTime() / 1000) * 1000 + 1000);
      while (Date.now() <= revocationDate.getTime()) await new Promise((r) => setTimeout(r, 50));
      sub.revoke(certificate, { revocationDate, reason: 'cessationOfOperation' });
      await pg.query('DELETE FROM verifier.crl_cache WHERE url = ANY($1)', [[url('sub.crl'), url('root.crl')]]);
      return revocationDate;
    };
    return { sign, revokeAfter };
  }

  async function validate(pdf: Buffer) {
    const res = await request(base)
      .post('/validations/pdf?wait=30')
      .set('x-kyso-internal-token', TOKEN)
      .attach('file', pdf, 'signed.pdf');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('done');
    return res.body.report;
  }

  const evidenceOf = async (documentSha256: string): Promise<EvidenceRow[]> =>
    (
      await pg.query('SELECT * FROM verifier.validation_evidence WHERE document_sha256 = $1 ORDER BY validated_at', [
        documentSha256,
      ])
    ).rows;

  it('keeps a B-B signature valid after its signer is revoked, judged at the sealed earlier validation', async () => {
    const pki = await testPki('retired');
    const kept = await pki.sign('kept');
    const first = await validate(kept);
    expect(first.signatures[0]).toMatchObject({
      indication: 'TOTAL-PASSED',
      signingTime: { provenBy: null, evidenceId: null, judgedAt: first.validationTime },
    });

    const [row] = await evidenceOf(first.documentSha256);
    expect(row).toMatchObject({
      record_sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      audit_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      signatures: [
        { signatureSha256: first.signatures[0].signatureSha256, totalPassed: true, judgedAt: first.validationTime },
      ],
    });
    expect(row.validated_at.toISOString()).toBe(first.validationTime);
    expect(row.material.certificates.length).toBeGreaterThanOrEqual(3); // signer, government CA, root
    expect(row.material.crls.length).toBeGreaterThanOrEqual(2);
    const sealedBy = registry.events.find((e) => e.hash === row.audit_hash);
    expect(sealedBy).toMatchObject({
      action: EVIDENCE_RECORDED,
      entityType: 'validation_evidence',
      after: {
        records: expect.arrayContaining([
          {
            evidenceId: row.id,
            validationId: row.validation_id,
            documentSha256: first.documentSha256,
            recordSha256: row.record_sha256,
            validatedAt: first.validationTime,
          },
        ]),
      },
    });
    expect(sealedBy!.seq).toBe(row.audit_seq);

    const revokedAt = await pki.revokeAfter(new Date(first.validationTime));
    const fresh = await validate(await pki.sign('fresh'));
    expect(fresh.signatures[0]).toMatchObject({
      indication: 'INDETERMINATE',
      subIndication: 'REVOKED_NO_POE',
      signingTime: { provenBy: null },
    });

    const again = await validate(kept);
    expect(again.documentSha256).toBe(first.documentSha256);
    expect(new Date(again.validationTime).getTime()).toBeGreaterThan(revokedAt.getTime());
    expect(again.signatures[0]).toMatchObject({
      indication: 'TOTAL-PASSED',
      revocation: { checked: true, source: 'crl' },
      signingTime: { judgedAt: first.validationTime, provenBy: 'kyso-evidence', evidenceId: row.id, timestamped: null },
    });
    expect(again.signatures[0].reasons.map((r: { code: string }) => r.code)).toContain('JUDGED_AT_VALIDATION_EVIDENCE');
  });

  it('keeps the record when the registry cannot seal it; unsealed it proves nothing, sealed later it does', async () => {
    const pki = await testPki('unsealed');
    const pdf = await pki.sign('unsealed');
    registry.auditUp = false;
    let first;
    try {
      first = await validate(pdf);
    } finally {
      registry.auditUp = true;
    }
    expect(first.signatures[0].indication).toBe('TOTAL-PASSED');
    const [row] = await evidenceOf(first.documentSha256);
    expect(row).toMatchObject({ audit_hash: null, audit_seq: null });

    await pki.revokeAfter(new Date(first.validationTime));
    expect((await validate(pdf)).signatures[0]).toMatchObject({
      indication: 'INDETERMINATE',
      subIndication: 'REVOKED_NO_POE',
    });

    const sealedHeard = heard(first.documentSha256);
    const { sealed } = await maintenance().maintain();
    expect(sealed).toBeGreaterThanOrEqual(1);
    await sealedHeard;
    const [after] = await evidenceOf(first.documentSha256);
    expect(after.audit_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(registry.events.find((e) => e.hash === after.audit_hash)?.after).toMatchObject({
      records: expect.arrayContaining([
        expect.objectContaining({ evidenceId: row.id, recordSha256: row.record_sha256 }),
      ]),
    });
    expect((await validate(pdf)).signatures[0]).toMatchObject({
      indication: 'TOTAL-PASSED',
      signingTime: { judgedAt: first.validationTime, provenBy: 'kyso-evidence', evidenceId: row.id },
    });
  });

  it('ignores a sealed record whose content no longer hashes to what was sealed', async () => {
    const pki = await testPki('tampered');
    const pdf = await pki.sign('tampered');
    const first = await validate(pdf);
    const [row] = await evidenceOf(first.documentSha256);
    await pki.revokeAfter(new Date(first.validationTime));
    // Moving the proven time earlier, as a forger would, breaks the sealed hash.
    const tamperHeard = heard(first.documentSha256);
    await pg.query(
      `UPDATE verifier.validation_evidence SET signatures = jsonb_set(signatures, '{0,judgedAt}', to_jsonb($2::text)) WHERE id = $1`,
      [row.id, new Date(new Date(first.validationTime).getTime() - 60_000).toISOString()],
    );
    await tamperHeard;
    expect((await validate(pdf)).signatures[0]).toMatchObject({
      indication: 'INDETERMINATE',
      subIndication: 'REVOKED_NO_POE',
    });
  });

  it('holds a document’s proofs in the API until a change of its evidence is heard: sealed now, it proves next; tampered with, no longer', async () => {
    const pki = await testPki('held');
    const pdf = await pki.sign('held');
    const source = jest.spyOn(stack.app.get(ValidationEvidence), 'proofsFor');
    // No seal by the API until the test seals: its records would be proofs of their own.
    registry.auditUp = false;
    try {
      const first = await validate(pdf);
      const [row] = await evidenceOf(first.documentSha256);
      expect(row.audit_hash).toBeNull();
      await pki.revokeAfter(new Date(first.validationTime));
      const revoked = { indication: 'INDETERMINATE', subIndication: 'REVOKED_NO_POE' };
      // The first after the revocation downloads the CRL (the workers); the next two are the API's.
      expect((await validate(pdf)).signatures[0]).toMatchObject(revoked);
      expect((await validate(pdf)).signatures[0]).toMatchObject(revoked);
      const reads = source.mock.calls.length;
      expect(reads).toBeGreaterThanOrEqual(1);
      expect((await validate(pdf)).signatures[0]).toMatchObject(revoked);
      expect(source.mock.calls.length).toBe(reads); // held: no query

      // Sealed now by another process (the maintenance job): heard, so the next validation reads it.
      registry.auditUp = true;
      const sealed = heard(first.documentSha256);
      expect((await maintenance().maintain()).sealed).toBeGreaterThanOrEqual(1);
      registry.auditUp = false;
      await sealed;
      expect((await validate(pdf)).signatures[0]).toMatchObject({
        indication: 'TOTAL-PASSED',
        signingTime: { judgedAt: first.validationTime, provenBy: 'kyso-evidence', evidenceId: row.id },
      });
      expect(source.mock.calls.length).toBe(reads + 1);

      // The held proof's record tampered with: heard, read again, its hash fails.
      const tampered = heard(first.documentSha256);
      await pg.query(
        `UPDATE verifier.validation_evidence SET signatures = jsonb_set(signatures, '{0,judgedAt}', to_jsonb($2::text)) WHERE id = $1`,
        [row.id, new Date(new Date(first.validationTime).getTime() - 60_000).toISOString()],
      );
      await tampered;
      expect((await validate(pdf)).signatures[0]).toMatchObject(revoked);
      expect(source.mock.calls.length).toBe(reads + 2);
    } finally {
      registry.auditUp = true;
      source.mockRestore();
    }
  });

  it('keeps a document’s held proofs through the API’s own seal of a record judged by them', async () => {
    const pki = await testPki('own-seal');
    const pdf = await pki.sign('own-seal');
    const first = await validate(pdf); // the workers' (the CRLs downloaded), sealed before the answer
    const [row] = await evidenceOf(first.documentSha256);
    expect(row.audit_hash).toMatch(/^[0-9a-f]{64}$/);
    const source = jest.spyOn(stack.app.get(ValidationEvidence), 'proofsFor');
    try {
      const proven = { judgedAt: first.validationTime, provenBy: 'kyso-evidence', evidenceId: row.id };
      const sealed = heard(first.documentSha256);
      // The API's: its proofs read and held, its record (judged by that proof) sealed off the request.
      expect((await validate(pdf)).signatures[0]).toMatchObject({ indication: 'TOTAL-PASSED', signingTime: proven });
      expect(source).toHaveBeenCalledTimes(1);
      await sealed;
      expect((await evidenceOf(first.documentSha256))[1].audit_hash).toMatch(/^[0-9a-f]{64}$/);
      expect((await validate(pdf)).signatures[0]).toMatchObject({ indication: 'TOTAL-PASSED', signingTime: proven });
      expect(source).toHaveBeenCalledTimes(1); // still held
    } finally {
      source.mockRestore();
    }
  });

  it('seals the records waiting with one audit event; each still proves only its own unchanged content', async () => {
    const pki = await testPki('batch');
    const docs = [await pki.sign('one'), await pki.sign('two')];
    const reports = [];
    const sealAttempts = () => registry.calls.filter((c) => c.url === '/audit/events').length;
    const attemptsBefore = sealAttempts();
    registry.auditUp = false;
    try {
      for (const pdf of docs) reports.push(await validate(pdf));
      // The second is sealed off the request path: its refused attempt must come before the registry is back.
      await stack.sealNow();
      expect(sealAttempts()).toBeGreaterThanOrEqual(attemptsBefore + 2);
    } finally {
      registry.auditUp = true;
    }
    const events = registry.events.length;
    expect((await maintenance().maintain()).sealed).toBeGreaterThanOrEqual(2);
    expect(registry.events.length).toBe(events + 1);
    const rows = await Promise.all(reports.map(async (r) => (await evidenceOf(r.documentSha256))[0]));
    expect(rows[0].audit_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[1]).toMatchObject({ audit_hash: rows[0].audit_hash, audit_seq: rows[0].audit_seq });
    expect(registry.events.at(-1)).toMatchObject({
      action: EVIDENCE_RECORDED,
      hash: rows[0].audit_hash,
      after: {
        records: expect.arrayContaining(
          rows.map((r) => expect.objectContaining({ evidenceId: r.id, recordSha256: r.record_sha256 })),
        ),
      },
    });

    const evidence = maintenance();
    for (const [i, r] of reports.entries())
      expect(await evidence.proofsFor(r.documentSha256)).toEqual([
        expect.objectContaining({ evidenceId: rows[i].id, source: 'kyso-evidence' }),
      ]);
    await pg.query(
      `UPDATE verifier.validation_evidence SET signatures = jsonb_set(signatures, '{0,judgedAt}', to_jsonb($2::text)) WHERE id = $1`,
      [rows[0].id, new Date(new Date(reports[0].validationTime).getTime() - 60_000).toISOString()],
    );
    expect(await evidence.proofsFor(reports[0].documentSha256)).toEqual([]);
    expect(await evidence.proofsFor(reports[1].documentSha256)).toEqual([
      expect.objectContaining({ evidenceId: rows[1].id }),
    ]);
  });

  it('reads a record again once its row changed, so a record already read and then tampered with proves nothing', async () => {
    const pki = await testPki('reread');
    const first = await validate(await pki.sign('reread'));
    const [row] = await evidenceOf(first.documentSha256);
    const evidence = maintenance();
    // Read and checked once: the proof is given, and the record is now held in memory.
    expect(await evidence.proofsFor(first.documentSha256)).toEqual([
      expect.objectContaining({ evidenceId: row.id, source: 'kyso-evidence' }),
    ]);
    await pg.query(
      `UPDATE verifier.validation_evidence SET signatures = jsonb_set(signatures, '{0,judgedAt}', to_jsonb($2::text)) WHERE id = $1`,
      [row.id, new Date(new Date(first.validationTime).getTime() - 60_000).toISOString()],
    );
    expect(await evidence.proofsFor(first.documentSha256)).toEqual([]);
  });

  it('finds the earliest sealed proof through the proof index, past an unsealed earlier record; a purge takes its rows', async () => {
    const pki = await testPki('indexed');
    const pdf = await pki.sign('indexed');
    // Sealed only afterwards: a record sealed before the next validation would be that one's POE,
    // and its signature judged at the earlier time (so unsealing it below would unmake both).
    registry.auditUp = false;
    let first;
    try {
      first = await validate(pdf);
      await validate(pdf);
      await validate(pdf);
      await stack.sealNow(); // refused: the fast path's records too are left to the maintenance
    } finally {
      registry.auditUp = true;
    }
    await maintenance().maintain();
    const rows = await evidenceOf(first.documentSha256);
    expect(rows).toHaveLength(3);
    const proofRows = async () =>
      (
        await pg.query(
          'SELECT evidence_id, signature_sha256, judged_at FROM verifier.validation_evidence_proof WHERE document_sha256 = $1',
          [first.documentSha256],
        )
      ).rows as { evidence_id: string; signature_sha256: string; judged_at: Date }[];
    // One row per TOTAL-PASSED signature of each record, as its signatures say.
    expect((await proofRows()).map((p) => p.evidence_id).sort()).toEqual(rows.map((r) => r.id).sort());
    expect((await proofRows()).every((p) => p.signature_sha256 === rows[0].signatures[0].signatureSha256)).toBe(true);
    const evidence = maintenance();
    expect(await evidence.proofsFor(first.documentSha256)).toEqual([
      expect.objectContaining({ evidenceId: rows[0].id }),
    ]);
    // The earliest no longer sealed: the next one in judged order proves.
    await pg.query('UPDATE verifier.validation_evidence SET audit_hash = NULL WHERE id = $1', [rows[0].id]);
    expect(await evidence.proofsFor(first.documentSha256)).toEqual([
      expect.objectContaining({ evidenceId: rows[1].id }),
    ]);
    await new TypeOrmEvidenceRepository(ds.getRepository(EvidenceEntity)).delete([rows[1].id]);
    expect((await proofRows()).map((p) => p.evidence_id).sort()).toEqual([rows[0].id, rows[2].id].sort());
    expect(await evidence.proofsFor(first.documentSha256)).toEqual([
      expect.objectContaining({ evidenceId: rows[2].id }),
    ]);
  });

  it('purges records past retention after auditing the purge, and nothing while the registry cannot record it', async () => {
    const pki = await testPki('purged');
    const old = await validate(await pki.sign('old'));
    const recent = await validate(await pki.sign('recent'));
    const [oldRow] = await evidenceOf(old.documentSha256);
    await pg.query(`UPDATE verifier.validation_evidence SET validated_at = now() - interval '31 days' WHERE id = $1`, [
      oldRow.id,
    ]);

    registry.auditUp = false;
    try {
      await expect(maintenance().purge()).rejects.toThrow();
    } finally {
      registry.auditUp = true;
    }
    expect(await evidenceOf(old.documentSha256)).toHaveLength(1);

    expect(await maintenance().purge()).toBeGreaterThanOrEqual(1);
    expect(await evidenceOf(old.documentSha256)).toHaveLength(0);
    expect(await evidenceOf(recent.documentSha256)).toHaveLength(1);
    const purge = registry.events.filter((e) => e.action === EVIDENCE_PURGED).at(-1);
    expect(purge).toMatchObject({
      entityType: 'validation_evidence',
      before: {
        retentionDays: RETENTION_DAYS,
        records: expect.arrayContaining([
          expect.objectContaining({ evidenceId: oldRow.id, recordSha256: oldRow.record_sha256 }),
        ]),
      },
    });
  });

  it('schedules the evidence maintenance as a repeatable job of the worker', async () => {
    const queue = new Queue('validation', { connection: { url: 'redis://127.0.0.1:6379' }, prefix });
    try {
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers).toEqual(
        expect.arrayContaining([expect.objectContaining({ key: 'maintain-evidence', name: 'maintain-evidence' })]),
      );
    } finally {
      await queue.close();
    }
  });
});
