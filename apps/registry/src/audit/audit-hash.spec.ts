import { canonicalJson, entryHash, GENESIS_HASH, JsonValue, toJsonValue } from './audit-hash';

const entry = {
  seq: '1',
  at: new Date('2026-01-05T08:00:00.000Z'),
  actor: { kind: 'service', id: 'registry', name: 'registry' },
  action: 'organization.created',
  entityType: 'organization',
  entityId: 'o1',
  before: null,
  after: { name: 'Sở Tư pháp', code: 'H29.1' },
  requestId: null,
  prevHash: GENESIS_HASH,
};

/**
 * canonicalJson as it was defined before it took JSON values only (it applied JSON.stringify's rules
 * itself): every chain written so far was hashed with it, so the bytes must stay these.
 */
function former(value: unknown): string {
  const write = (value: unknown): string | undefined => {
    let v = value;
    if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function')
      v = (v as { toJSON: () => unknown }).toJSON();
    if (v instanceof Number || v instanceof String || v instanceof Boolean) v = v.valueOf();
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return undefined;
    if (v === null || typeof v !== 'object') return JSON.stringify(v);
    if (Array.isArray(v)) {
      const items: string[] = [];
      for (let i = 0; i < v.length; i++) items.push(write(v[i]) ?? 'null');
      return `[${items.join(',')}]`;
    }
    const o = v as Record<string, unknown>;
    const fields: string[] = [];
    for (const k of Object.keys(o).sort()) {
      const w = write(o[k]);
      if (w !== undefined) fields.push(`${JSON.stringify(k)}:${w}`);
    }
    return `{${fields.join(',')}}`;
  };
  return write(value) ?? 'null';
}

describe('audit hash', () => {
  it('writes the bytes of the former definition, for every kind of value once stored as JSON', () => {
    const sparse = [1, , 3]; // eslint-disable-line no-sparse-arrays
    const values: unknown[] = [
      undefined,
      null,
      0,
      -0,
      1.5e300,
      NaN,
      Infinity,
      'é "quoted" \\ \n \u2028',
      true,
      [],
      {},
      sparse,
      [undefined, () => 1, Symbol('s'), new Date(5)],
      { u: undefined, f: () => 1, s: Symbol('s'), n: null, d: new Date(0), nested: { b: [{ y: 1, x: 2 }], a: '' } },
      { 10: 'ten', 2: 'two', b: 'b', A: 'A', é: 1, '': 0, __proto__x: 1 },
      { json: { toJSON: () => ({ z: 1, a: 2 }) }, gone: { toJSON: () => undefined } },
      { boxed: [new String('s'), new Number(2), new Boolean(false)] },
      { buf: Buffer.from([1, 2]), bytes: new Uint8Array([3, 4]), map: new Map([[1, 2]]), set: new Set([1]) },
      JSON.parse('{"__proto__": {"x": 1}, "a": 1}'),
    ];
    for (const v of values) {
      const stored = toJsonValue(v);
      expect(canonicalJson(stored)).toBe(former(v));
      // What the chain's verification reads back (jsonb, JSON.parse) hashes the same.
      expect(canonicalJson(JSON.parse(JSON.stringify(stored)) as JsonValue)).toBe(former(v));
    }
  });

  it('writes keys sorted at every depth, whatever the insertion order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: 'é' } })).toBe(
      '{"a":{"c":"é","d":[2,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson(toJsonValue({ at: new Date(0), gone: undefined }))).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
  });

  it('hashes an entry as the chains written so far were hashed', () => {
    // Computed with the former definition: an existing chain must still verify.
    const stored = {
      seq: '9007199254740993',
      at: new Date('2026-03-01T10:20:30.456Z'),
      actor: { kind: 'operator', id: 'op-1', name: 'Nguyễn Văn A' },
      action: 'validation.evidence-recorded',
      entityType: 'validation_evidence',
      entityId: null,
      before: toJsonValue({ 10: 'ten', 2: 'two', b: [1.5, -0, 1e21, null, true], A: '\u2028 "q" \\', é: {} }),
      after: toJsonValue({
        records: [
          { z: 'x', a: [] },
          { evidenceId: 'e1', recordSha256: 'ab' },
        ],
      }),
      requestId: 'req-1',
      prevHash: GENESIS_HASH,
    };
    expect(entryHash(stored)).toBe('5c9e7712dc262a4561a2648b4a6956858a523f6f3a74d4ddbcf34327e6e832e4');
  });

  it('changes when any covered field or the previous hash changes', () => {
    const h = entryHash(entry);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(entryHash({ ...entry, after: { code: 'H29.1', name: 'Sở Tư pháp' } })).toBe(h);
    for (const over of [
      { seq: '2' },
      { action: 'organization.renamed' },
      { after: { name: 'x' } },
      { prevHash: 'f'.repeat(64) },
      { at: new Date(1) },
    ]) {
      expect(entryHash({ ...entry, ...over })).not.toBe(h);
    }
  });
});
