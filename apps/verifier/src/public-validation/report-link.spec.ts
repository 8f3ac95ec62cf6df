import { KEPT_LINK_MS, newReportLink, PAGE_LINK_MS, readReportLink } from './report-link';

const ID = '0b0f5d0e-3c4b-4a53-9a0e-1d2f3a4b5c6d';
const NOW = new Date('2026-12-02T06:00:00Z');

describe('report links (the public page owns a validation by its token)', () => {
  it('gives back the owner from the token, until it expires', () => {
    const { owner, linkFor } = newReportLink(NOW, false);
    const link = linkFor(ID);
    expect(link.expiresAt.getTime()).toBe(NOW.getTime() + PAGE_LINK_MS);
    const read = readReportLink(link.token, new Date(NOW.getTime() + PAGE_LINK_MS - 1000));
    expect(read).toMatchObject({ id: ID, reader: { kind: 'service', id: owner.id }, link: { kept: false } });
    expect(readReportLink(link.token, link.expiresAt)).toBeUndefined();
  });

  it('tells a kept link from a page link, and a new link never repeats', () => {
    const kept = newReportLink(NOW, true);
    const link = kept.linkFor(ID);
    expect(link.expiresAt.getTime()).toBe(NOW.getTime() + KEPT_LINK_MS);
    expect(readReportLink(link.token, NOW)?.link.kept).toBe(true);
    expect(newReportLink(NOW, true).owner.id).not.toBe(kept.owner.id);
  });

  it('reads another owner from a token whose expiry was changed, and nothing from a malformed one', () => {
    const { owner, linkFor } = newReportLink(NOW, false);
    const [id, expiry, secret] = linkFor(ID).token.split('.');
    expect(readReportLink(`${id}.${Number(expiry) + 3600}.${secret}`, NOW)?.reader.id).not.toBe(owner.id);
    for (const bad of [ID, `${ID}.${expiry}`, `${ID}.${expiry}.${secret}x`, `x.${expiry}.${secret}`, ''])
      expect(readReportLink(bad, NOW)).toBeUndefined();
  });
});
