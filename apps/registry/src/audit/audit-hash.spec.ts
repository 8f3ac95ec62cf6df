import { canonicalJson, entryHash, GENESIS_HASH } from './audit-hash';

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

/** The definition canonicalJson must keep to: a JSON round trip, then keys sorted at every depth. */
function reference(value: unknown): string {
  const write = (v: unknown): string => {
    if (v === null || typeof v !== 'object') return JSON.stringify(v);
    if (Array.isArray(v)) return `[${v.map(write).join(',')}]`;
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${write(o[k])}`)
      .join(',')}}`;
  };
  return write(value === undefined ? null : JSON.parse(JSON.stringify(value)));
}

describe('audit hash', () => {
  it('writes what a JSON round trip would, for every kind of value', () => {
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
    for (const v of values) expect(canonicalJson(v)).toBe(reference(v));
  });

  it('writes keys sorted at every depth, whatever the insertion order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: 'é' } })).toBe(
      '{"a":{"c":"é","d":[2,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson({ at: new Date(0), gone: undefined })).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
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
