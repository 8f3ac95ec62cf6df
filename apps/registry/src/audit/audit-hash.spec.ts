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

describe('audit hash', () => {
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
