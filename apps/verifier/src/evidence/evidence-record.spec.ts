import type { DocumentReport } from '@kyso/pki';
import { createHash } from 'node:crypto';
import { canonicalJson, evidenceSha256, proofsFromEvidence, StoredEvidence } from './evidence-record';

/** The canonical JSON stored records were hashed with (before issue 16.3's faster one): bytes that must not change. */
function reference(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

describe('evidenceSha256', () => {
  it('hashes the same bytes as the canonical JSON records were sealed with', () => {
    const record = {
      id: 'ev-1',
      validationId: 'val-1',
      documentSha256: 'AB'.repeat(32),
      validatedAt: new Date('2026-11-01T08:00:00.000Z'),
      signatures: [],
      material: {
        certificates: ['MIIB', 'MIIC'],
        crls: [{ url: 'http://x/é', fetchedAt: 'T', der: 'AA==' }],
        ocspResponses: [],
      },
      report: {
        b: [1, null, 'x', { z: [], y: { ä: 1, a: true, Z: false, '10': 2, '9': 3 } }],
        a: { gone: undefined, kept: 0, empty: '', nested: [[], {}, [{ q: 'line\nbreak "quoted"' }]] },
        '': -1.5e-7,
      } as unknown as DocumentReport,
    };
    const { id, validationId, documentSha256, validatedAt, signatures, material, report } = record;
    const expected = createHash('sha256')
      .update(reference({ id, validationId, documentSha256, validatedAt, signatures, material, report }))
      .digest('hex');
    expect(evidenceSha256(record)).toBe(expected);
  });
});

describe('canonicalJson', () => {
  /** A deterministic generator (xorshift), so a failure names a value that can be found again. */
  function values(seed: number) {
    let x = seed;
    const rnd = (n: number) => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) % n;
    };
    const keys = [
      'a',
      'Z',
      'ä',
      '10',
      '9',
      '',
      'id',
      'report',
      '\ud800',
      '\u{1f600}',
      'q"uote',
      'line\nbreak',
      '__proto_',
    ];
    const key = () => (rnd(4) === 0 ? `k${rnd(20000)}` : keys[rnd(keys.length)]);
    const leaf = (): unknown =>
      [
        null,
        undefined,
        true,
        false,
        0,
        -0,
        -1.5e-7,
        2 ** 53,
        NaN,
        Infinity,
        '',
        'é\u0000\u2028',
        '\udc00 lone',
        new Date(rnd(2 ** 31) * 1000),
        () => 1,
        // Strings quoted as they are, and strings with something to escape (quoted by JSON.stringify).
        'plain',
        'Nguyễn Văn An \u007f \u2029',
        'q"uote',
        'back\\slash',
        'tab\there',
        '\u001f',
        'pair \u{1f600}',
        'lone \ud800',
      ][rnd(23)];
    const value = (depth: number): unknown => {
      if (depth > 4 || rnd(3) === 0) return leaf();
      if (rnd(2) === 0) return Array.from({ length: rnd(5) }, () => value(depth + 1));
      const o: Record<string, unknown> = {};
      for (let i = rnd(7); i > 0; i--) o[key()] = value(depth + 1);
      return o;
    };
    return Array.from({ length: 400 }, () => value(0));
  }

  it('writes the bytes of the canonical JSON records were sealed with, for varied values', () => {
    for (const v of values(2463534242)) expect(canonicalJson(v)).toBe(reference(v));
  });

  it('writes the same bytes past the bound of the quoted keys it remembers', () => {
    const many = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`key-${i}`, i]));
    expect(canonicalJson(many)).toBe(reference(many));
    expect(canonicalJson(many)).toBe(reference(many));
  });
});

describe('evidenceSha256 of a format 2 record (DERs named by SHA-256)', () => {
  const der = (s: string) => Buffer.from(s).toString('base64');
  const name = (s: string) => createHash('sha256').update(s).digest('hex');
  const content = {
    id: 'ev-2',
    validationId: 'val-2',
    documentSha256: 'CD'.repeat(32),
    validatedAt: new Date('2026-12-01T08:00:00.000Z'),
    signatures: [],
    material: {
      certificates: [der('cert')],
      crls: [{ url: 'http://x/c.crl', fetchedAt: 'T', der: der('crl') }],
      ocspResponses: [],
    },
    named: {
      format: 2 as const,
      certificates: [name('cert')],
      crls: [{ url: 'http://x/c.crl', fetchedAt: 'T', sha256: name('crl') }],
      ocspResponses: [],
    },
    report: { conclusion: 'TOTAL-PASSED' } as DocumentReport,
  };

  it('hashes the names of the DERs, found from their bytes, with the format', () => {
    const { id, validationId, documentSha256, validatedAt, signatures, named, report } = content;
    const expected = createHash('sha256')
      .update(
        reference({ format: 2, id, validationId, documentSha256, validatedAt, signatures, material: named, report }),
      )
      .digest('hex');
    expect(evidenceSha256(content)).toBe(expected);
  });

  it('differs when a DER differs or is missing, and when the record is taken for format 1', () => {
    const sealed = evidenceSha256(content);
    const withCrl = (d: string) => ({
      ...content,
      material: { ...content.material, crls: [{ ...content.material.crls[0], der: d }] },
    });
    expect(evidenceSha256(withCrl(der('other')))).not.toBe(sealed);
    expect(evidenceSha256(withCrl(''))).not.toBe(sealed);
    const { named, ...inline } = content;
    expect(evidenceSha256(inline)).not.toBe(sealed);
    expect(evidenceSha256({ ...inline, material: named as never })).not.toBe(sealed);
  });
});

/** The evidence rule: only sealed, intact records prove anything, and only for signatures they found TOTAL-PASSED. */
describe('proofsFromEvidence', () => {
  const T = '2026-11-01T08:00:00.000Z';
  const stored = (over: Partial<StoredEvidence> = {}): StoredEvidence => {
    const content = {
      id: 'ev-1',
      validationId: 'val-1',
      documentSha256: 'AB'.repeat(32),
      validatedAt: new Date(T),
      signatures: [
        {
          id: 's1',
          signatureSha256: '11'.repeat(32),
          indication: 'TOTAL-PASSED',
          subIndication: null,
          totalPassed: true,
          judgedAt: T,
        },
        {
          id: 's2',
          signatureSha256: '22'.repeat(32),
          indication: 'INDETERMINATE',
          subIndication: 'TRY_LATER',
          totalPassed: false,
          judgedAt: T,
        },
      ],
      material: { certificates: [], crls: [], ocspResponses: [] },
      report: { conclusion: 'INDETERMINATE' } as DocumentReport,
    };
    return {
      ...content,
      recordSha256: evidenceSha256(content),
      seal: { auditSeq: '7', auditHash: 'cd'.repeat(32), sealedAt: new Date(T) },
      ...over,
    };
  };

  it('gives a POE at the judged time for each TOTAL-PASSED signature of a sealed, intact record', () => {
    expect(proofsFromEvidence([stored()])).toEqual([
      { signatureSha256: '11'.repeat(32), time: new Date(T), source: 'kyso-evidence', evidenceId: 'ev-1' },
    ]);
  });

  it('gives nothing for an unsealed record or one whose content differs from what was sealed', () => {
    expect(proofsFromEvidence([stored({ seal: null })])).toEqual([]);
    const forged = stored();
    forged.signatures = forged.signatures.map((s) => ({ ...s, judgedAt: '2026-10-01T00:00:00.000Z' }));
    expect(proofsFromEvidence([forged])).toEqual([]);
  });

  it('hashes the same content the same whatever the key order (a jsonb round trip reorders keys)', () => {
    const reverse = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reverse)
        : v && typeof v === 'object' && !(v instanceof Date)
          ? Object.fromEntries(
              Object.entries(v)
                .reverse()
                .map(([k, x]) => [k, reverse(x)]),
            )
          : v;
    const r = stored();
    const reordered = reverse(r) as StoredEvidence;
    expect(Object.keys(reordered)[0]).not.toBe(Object.keys(r)[0]);
    expect(evidenceSha256(reordered)).toBe(r.recordSha256);
    expect(evidenceSha256({ ...reordered, validationId: 'val-2' })).not.toBe(r.recordSha256);
  });
});
