import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { Certificate, pemBlocks, verifyPdf, type DocumentReport } from '@kyso/pki';
import { signedPdf } from '../../test/fixtures';
import { canonicalJson, reportedContentSha256 } from './canonical-json';
import { buildEvidence, evidenceSha256, hashedWithoutReport, unhashedEvidence } from './evidence-record';
import { RecordHasher, startRecordHashThread } from './record-hasher';
import { ValidationEvidence } from './validation-evidence';

const inPlace = (content: Record<string, unknown>, report: unknown) =>
  createHash('sha256')
    .update(canonicalJson({ ...content, report })!)
    .digest('hex');

/** JSON-like values (no undefined in arrays, no functions: what a report is), keys in any order. */
function values(seed: number): unknown[] {
  let x = seed;
  const rnd = (n: number) => ((x = (x * 1103515245 + 12345) >>> 0) % n) / 1;
  const leaf = (): unknown =>
    [null, true, false, 0, -1.5e-7, 12345678901234, '', 'é"\\\n\u2028', '\ud800', 'TOTAL-PASSED'][rnd(10)];
  const value = (depth: number): unknown => {
    if (depth > 3 || rnd(3) === 0) return leaf();
    if (rnd(2)) return Array.from({ length: rnd(4) }, () => value(depth + 1));
    const o: Record<string, unknown> = {};
    for (let i = rnd(5); i > 0; i--) o[['b', 'a', '10', '9', 'Z', 'ä', ''][rnd(7)] + String(rnd(3))] = value(depth + 1);
    if (rnd(4) === 0) o.gone = undefined;
    return o;
  };
  return Array.from({ length: 200 }, () => value(0));
}

describe('reportedContentSha256', () => {
  it("hashes a report's JSON text as the report itself is hashed", () => {
    const content = { id: 'ev', validatedAt: new Date('2026-12-01T08:00:00.000Z'), signatures: [], format: 2 };
    for (const report of values(88172645)) {
      expect(reportedContentSha256(content, JSON.stringify(report))).toBe(inPlace(content, report));
    }
  });
});

describe('RecordHasher', () => {
  const content = { id: 'ev-1', validatedAt: new Date('2026-12-01T08:00:00.000Z'), material: { format: 2 } };
  const report = { conclusion: 'TOTAL-PASSED', signatures: [{ id: 's1', b: 1, a: [2, { y: 1, x: 0 }] }] };
  const expected = inPlace(content, report);
  let hasher: RecordHasher | undefined;
  afterEach(async () => {
    await hasher?.close();
    hasher = undefined;
  });

  it('answers from its thread what is computed in place, for many requests at once', async () => {
    let started = 0;
    let answered = 0;
    hasher = new RecordHasher(() => {
      started++;
      return startRecordHashThread().on('message', () => answered++);
    });
    const reports = values(2463534242).slice(0, 50);
    const got = await Promise.all(reports.map((r) => hasher!.sha256(content, JSON.stringify(r))));
    expect(got).toEqual(reports.map((r) => inPlace(content, r)));
    expect(started).toBe(1);
    expect(answered).toBe(50);
  });

  it('computes in place when its thread cannot start, fails or answers an error', async () => {
    hasher = new RecordHasher(() => {
      throw new Error('no threads');
    });
    await expect(hasher.sha256(content, JSON.stringify(report))).resolves.toBe(expected);
    await hasher.close();

    // A thread that exits before answering.
    hasher = new RecordHasher(() => new Worker('setTimeout(() => process.exit(3), 50)', { eval: true }));
    await expect(hasher.sha256(content, JSON.stringify(report))).resolves.toBe(expected);
    // off for good: in place from then on
    await expect(hasher.sha256(content, JSON.stringify(report))).resolves.toBe(expected);
    await hasher.close();

    // A thread answering an error.
    hasher = new RecordHasher(
      () =>
        new Worker(
          `const { parentPort } = require('node:worker_threads');
           parentPort.on('message', (m) => parentPort.postMessage({ n: m.n, error: 'broken' }));`,
          { eval: true },
        ),
    );
    await expect(hasher.sha256(content, JSON.stringify(report))).resolves.toBe(expected);
  });

  it('computes in place what cannot be sent to its thread, and rejects what cannot be hashed', async () => {
    hasher = new RecordHasher(startRecordHashThread);
    const odd = { ...content, f: () => 1 };
    await expect(hasher.sha256(odd, JSON.stringify(report))).resolves.toBe(inPlace(odd, report));
    await expect(hasher.sha256(content, '{not json')).rejects.toThrow(SyntaxError);
  });

  it('gives a fast-path record the hash buildEvidence gives it (a real signed PDF)', async () => {
    const { pdf, rootPem } = await signedPdf();
    const root = Certificate.fromDer(pemBlocks(rootPem)[0].der);
    const verified: DocumentReport = await verifyPdf(pdf, { trustAnchors: [root], validationTime: new Date() });
    expect(verified.signatures).toHaveLength(1);
    hasher = new RecordHasher(startRecordHashThread);
    const evidence = new ValidationEvidence({} as never, {} as never, {} as never, 30);
    const parts = { validationId: 'val-1', pdf, report: verified, trustAnchors: [root], fetches: [] };
    const record = await evidence.buildHashedBy(hasher, parts);
    expect(record.recordSha256).toBe(evidenceSha256(record));
    expect(record.recordSha256).toBe(buildEvidence({ ...parts, id: record.id }).recordSha256);
    const unhashed = unhashedEvidence({ ...parts, id: record.id });
    expect(record.recordSha256).toBe(inPlace(hashedWithoutReport(unhashed), verified));
    // Another report (the thread reads it from the JSON) is another hash.
    const changed = { ...parts, report: { ...verified, conclusion: 'TOTAL-FAILED' } as DocumentReport };
    const other = await evidence.buildHashedBy(hasher, changed);
    expect(other.recordSha256).toBe(buildEvidence({ ...changed, id: other.id }).recordSha256);
    expect(buildEvidence({ ...changed, id: record.id }).recordSha256).not.toBe(record.recordSha256);
  });
});
