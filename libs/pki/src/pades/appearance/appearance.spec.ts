import { makeTemplatePdf, poppler, renderPage, Rendered, solidPng } from '../../../test-fixtures/appearance';
import { issuePerson, TestSigner } from '../../../test-fixtures/signers';
import { DevCa } from '../../devca';
import { Certificate } from '../../x509/certificate';
import { signPdf } from '../sign-pdf';
import { verifyPdf } from '../verify-pdf';
import { renderTextStamp, renderVisibleSignature, VisibleSignatureSpec } from './appearance';
import { formatLocalIsoTime } from './time';

const BLUE: [number, number, number] = [20, 40, 200];
const RED: [number, number, number] = [220, 20, 30];
const isBlue = ([r, g, b]: number[]) => b > 150 && r < 90 && g < 110;
const isRed = ([r, g, b]: number[]) => r > 170 && g < 90 && b < 90;
const isWhite = ([r, g, b]: number[]) => r > 245 && g > 245 && b > 245;

/** Pixels of `after` differing from `before` outside the box [x1, y1, x2, y2] (with a 1-point tolerance). */
function changedOutside(before: Rendered, after: Rendered, [x1, y1, x2, y2]: number[]): number {
  let changed = 0;
  for (let y = 0.5; y < before.height; y += 2)
    for (let x = 0.5; x < before.width; x += 2) {
      if (x > x1 - 1 && x < x2 + 1 && y > y1 - 1 && y < y2 + 1) continue;
      if (before.at(x, y).some((v, i) => Math.abs(v - after.at(x, y)[i]) > 8)) changed++;
    }
  return changed;
}

describe('visible signatures, seals and text stamps (pdftoppm, pdffonts, pdftotext, pdfsig)', () => {
  let root: DevCa;
  let leader: TestSigner;
  let clerk: TestSigner;
  let template: Uint8Array;
  const signingTime = new Date('2026-12-02T02:05:00Z');
  const sign = (pdf: Uint8Array, who: TestSigner, appearance: Awaited<ReturnType<typeof renderVisibleSignature>>) =>
    signPdf(pdf, { signer: who.key.signer, certificate: who.cert, chain: [], signingTime, appearance });
  const anchors = (): Certificate[] => [root.certificate];

  beforeAll(async () => {
    root = await DevCa.createRoot({ commonName: 'Appearance Root' });
    leader = await issuePerson(root, { CN: 'Nguyễn Văn A', C: 'VN' });
    clerk = await issuePerson(root, { CN: 'Ủy ban nhân dân tỉnh', C: 'VN' });
    template = await makeTemplatePdf();
  });

  describe('the signature image placed by coordinates, with name, title and time', () => {
    const rect: [number, number, number, number] = [80, 380, 200, 110];
    let signed: Uint8Array;
    beforeAll(async () => {
      const appearance = await renderVisibleSignature(template, {
        placement: { page: 1, rect },
        image: solidPng(300, 120, BLUE, { inset: 6 }),
        lines: ['Nguyễn Văn A', 'Chủ tịch Ủy ban nhân dân', formatLocalIsoTime(signingTime)],
      });
      signed = await sign(template, leader, appearance);
    });

    it('inks the image inside the rectangle and nothing outside it', () => {
      const page = renderPage(signed);
      // Image area: above the three text lines (3 x 12 points), centred, aspect 300:120 kept.
      expect(isBlue(page.at(180, 450))).toBe(true);
      expect(isBlue(page.at(110, 440))).toBe(true);
      expect(isWhite(page.at(180, 480 + 15))).toBe(true);
      expect(changedOutside(renderPage(template), page, [rect[0], rect[1], rect[0] + rect[2], rect[1] + rect[3]])).toBe(
        0,
      );
    });

    it('embeds Liberation Serif as a subset with a ToUnicode map', () => {
      const fonts = poppler('pdffonts', signed);
      expect(fonts).toMatch(/[A-Z]{6}\+LiberationSerif\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/);
    });

    it('lets pdftotext read the Vietnamese lines and the +07:00 time back exactly', () => {
      const text = poppler('pdftotext', signed, ['-x', '80', '-y', '330', '-W', '200', '-H', '130', '-layout']);
      expect(text).toContain('Nguyễn Văn A');
      expect(text).toContain('Chủ tịch Ủy ban nhân dân');
      expect(text).toContain('2026-12-02T09:05:00+07:00');
    });

    it('is a valid signature for pdfsig and for Kyso', async () => {
      expect(poppler('pdfsig', signed, ['-nocert'])).toContain('Signature Validation: Signature is Valid.');
      const report = await verifyPdf(signed, { trustAnchors: anchors() });
      expect(report.signatures[0].indication).toBe('TOTAL-PASSED');
    });
  });

  it('writes every Vietnamese letter, with each tone mark, and pdftotext reads them back exactly', async () => {
    const tones = ['', '\u0300', '\u0301', '\u0309', '\u0303', '\u0323'];
    const vowels = ['a', 'ă', 'â', 'e', 'ê', 'i', 'o', 'ô', 'ơ', 'u', 'ư', 'y'];
    const lower = vowels.map((v) => tones.map((t) => (v + t).normalize('NFC')).join('')).join('') + 'đ';
    const all = lower + lower.toUpperCase();
    const lines = all.match(/.{1,37}/gu)!;
    expect(lines.length).toBeLessThanOrEqual(8);
    const appearance = await renderVisibleSignature(template, {
      placement: { page: 1, rect: [20, 420, 555, 150] },
      lines,
    });
    const signed = await sign(template, leader, appearance);
    const text = poppler('pdftotext', signed, ['-x', '20', '-y', String(842 - 570), '-W', '555', '-H', '150']);
    expect(text.split('\n').filter((l) => l.trim())).toEqual(lines);
  });

  describe('placed by a text anchor', () => {
    it('covers the placeholder the template left (Type0 font text)', async () => {
      const appearance = await renderVisibleSignature(template, {
        placement: { anchorText: '[CHỮ KÝ LÃNH ĐẠO]', width: 160, height: 60 },
        image: solidPng(160, 60, BLUE),
      });
      const [x1, y1, x2, y2] = appearance.rect;
      // "[CHỮ KÝ LÃNH ĐẠO]" at x=360, baseline 240, size 11: the box is centred on it.
      expect((x1 + x2) / 2).toBeGreaterThan(400);
      expect((x1 + x2) / 2).toBeLessThan(460);
      expect((y1 + y2) / 2).toBeGreaterThan(238);
      expect((y1 + y2) / 2).toBeLessThan(250);
      const page = renderPage(await sign(template, leader, appearance));
      expect(isBlue(page.at((x1 + x2) / 2, (y1 + y2) / 2))).toBe(true);
    });

    it('goes below an anchor in a standard (simple) font', async () => {
      const appearance = await renderVisibleSignature(template, {
        placement: { anchorText: 'TEMPLATE-01', position: 'below', width: 100, height: 40 },
        image: solidPng(100, 40, BLUE),
      });
      expect(appearance.rect[3]).toBeLessThan(661);
      expect(appearance.rect[3]).toBeGreaterThan(650);
      expect(appearance.rect[0]).toBeGreaterThan(40);
    });

    it('refuses an anchor the page does not show', async () => {
      await expect(
        renderVisibleSignature(template, { placement: { anchorText: 'KHÔNG CÓ' }, image: solidPng(20, 20, BLUE) }),
      ).rejects.toMatchObject({ code: 'ANCHOR_TEXT_NOT_FOUND' });
    });
  });

  describe('leader then clerk: the organisation seal over the left third of the signature image', () => {
    const rect: [number, number, number, number] = [330, 180, 240, 110];
    let leaderSigned: Uint8Array;
    let issued: Uint8Array;
    // 300 px at 11811 px/m: a 25.4 mm (72 pt) seal, shown at real size.
    // A fully transparent seal of the same size keeps the layout and shows where the image lies.
    const sealSpec = (visible: boolean): VisibleSignatureSpec => ({
      placement: { page: 1, rect },
      image: solidPng(300, 150, BLUE),
      seal: solidPng(300, 300, RED, { pixelsPerMetre: 11811, inset: visible ? 0 : 150 }),
      lines: ['Ủy ban nhân dân tỉnh', formatLocalIsoTime(signingTime)],
    });
    beforeAll(async () => {
      leaderSigned = await sign(
        template,
        leader,
        await renderVisibleSignature(template, {
          placement: { anchorText: 'CHỦ TỊCH', position: 'below', width: 160, height: 40 },
          image: solidPng(160, 40, BLUE),
        }),
      );
      issued = await sign(leaderSigned, clerk, await renderVisibleSignature(leaderSigned, sealSpec(true)));
    });

    it('draws the seal at real size over the left third of the signature image', async () => {
      const row = 180 + 24 + (110 - 24) / 2; // middle of the image area, above two text lines
      const run = (page: Rendered, is: (p: number[]) => boolean) => {
        const xs: number[] = [];
        for (let x = rect[0]; x < rect[0] + rect[2]; x++) if (is(page.at(x + 0.5, row))) xs.push(x);
        return { from: xs[0], to: xs[xs.length - 1] + 1, count: xs.length };
      };
      // Where the signature image lies under the seal.
      const alone = renderPage(
        await sign(leaderSigned, clerk, await renderVisibleSignature(leaderSigned, sealSpec(false))),
      );
      const image = run(alone, isBlue);
      const page = renderPage(issued);
      const red = run(page, isRed);
      const blue = run(page, isBlue);
      expect(red.count).toBeGreaterThanOrEqual(70); // 72 points: 25.4 mm
      expect(red.count).toBeLessThanOrEqual(74);
      expect(red.to - red.from).toBe(red.count); // one solid seal
      expect(red.from).toBeLessThan(image.from); // standing out on the left
      const covered = (red.to - image.from) / (image.to - image.from);
      expect(covered).toBeGreaterThan(0.3);
      expect(covered).toBeLessThan(0.37);
      expect(Math.abs(blue.from - red.to)).toBeLessThanOrEqual(1); // the rest of the image shows
      expect(Math.abs(blue.to - image.to)).toBeLessThanOrEqual(1);
    });

    it('draws the seal alone at real size, at the left of its rectangle, over what lies there', async () => {
      const spec = { ...sealSpec(true), image: undefined, lines: [] };
      const page = renderPage(await sign(leaderSigned, clerk, await renderVisibleSignature(leaderSigned, spec)));
      const mid = rect[1] + rect[3] / 2;
      const reds = [...Array(rect[2]).keys()].filter((i) => isRed(page.at(rect[0] + i + 0.5, mid)));
      expect(reds[0]).toBeLessThanOrEqual(1);
      expect(reds.length).toBeGreaterThanOrEqual(70);
      expect(reds.length).toBeLessThanOrEqual(74);
    });

    it('keeps both signatures valid for pdfsig', () => {
      const out = poppler('pdfsig', issued, ['-nocert']);
      expect(out.match(/Signature Validation: Signature is Valid\./g)).toHaveLength(2);
    });

    it("reports the clerk's appearance, image and font objects as allowed after the leader's signature", async () => {
      const report = await verifyPdf(issued, { trustAnchors: anchors() });
      const first = report.signatures[0];
      expect(first.indication).toBe('TOTAL-PASSED');
      expect(first.modifications).toMatchObject({ changedAfterSigning: true, allowed: true });
      const text = first.modifications.description.join('\n');
      expect(text).toMatch(/allowed: signature appearance \d+ 0 \(XObject\) added/);
      expect(text).not.toContain('not allowed');
      expect(report.signatures[1].indication).toBe('TOTAL-PASSED');
    });
  });

  describe('text stamps for copies and attachments', () => {
    let stamped: Uint8Array;
    let rect: number[];
    beforeAll(async () => {
      const appearance = await renderTextStamp(template, {
        lines: ['SAO LỤC', 'Văn phòng Ủy ban nhân dân tỉnh', formatLocalIsoTime(signingTime)],
      });
      rect = appearance.rect;
      stamped = await sign(template, clerk, appearance);
    });

    it('is at the top right of the first page, 28 points from the edges', () => {
      expect(rect[2]).toBeCloseTo(595.28 - 28, 1);
      expect(rect[3]).toBeCloseTo(841.89 - 28, 1);
      const page = renderPage(stamped);
      expect(changedOutside(renderPage(template), page, rect)).toBe(0);
      let ink = 0;
      for (let y = rect[1]; y < rect[3]; y++)
        for (let x = rect[0]; x < rect[2]; x++) if (!isWhite(page.at(x, y))) ink++;
      expect(ink).toBeGreaterThan(50);
    });

    it('reads back exactly with pdftotext', () => {
      const text = poppler('pdftotext', stamped, [
        '-x',
        String(Math.floor(rect[0])),
        '-y',
        '0',
        '-W',
        '300',
        '-H',
        '80',
      ]);
      expect(text.split('\n').filter((l) => l.trim())).toEqual([
        'SAO LỤC',
        'Văn phòng Ủy ban nhân dân tỉnh',
        '2026-12-02T09:05:00+07:00',
      ]);
    });

    it('is black, regular, size 10 Liberation Serif', () => {
      expect(poppler('pdffonts', stamped)).toMatch(/\+LiberationSerif\s+CID TrueType/);
    });
  });

  describe('bad appearances have stable codes', () => {
    const cases: [string, () => Promise<unknown>, string][] = [
      [
        'a page the document lacks',
        () => renderVisibleSignature(template, { placement: { page: 3, rect: [0, 0, 50, 50] }, lines: ['x'] }),
        'APPEARANCE_PAGE_NOT_FOUND',
      ],
      [
        'a rectangle too small',
        () => renderVisibleSignature(template, { placement: { page: 1, rect: [0, 0, 2, 50] }, lines: ['x'] }),
        'APPEARANCE_INVALID',
      ],
      [
        'a rectangle off the page',
        () => renderVisibleSignature(template, { placement: { page: 1, rect: [600, 10, 50, 50] }, lines: ['x'] }),
        'APPEARANCE_INVALID',
      ],
      [
        'a stamp wider than the page',
        () => renderTextStamp(template, { lines: ['SAO Y '.repeat(30)] }),
        'APPEARANCE_INVALID',
      ],
      [
        'nothing to draw',
        () => renderVisibleSignature(template, { placement: { page: 1, rect: [0, 0, 50, 50] } }),
        'APPEARANCE_INVALID',
      ],
      [
        'a broken PNG',
        () =>
          renderVisibleSignature(template, {
            placement: { page: 1, rect: [0, 0, 50, 50] },
            image: solidPng(20, 20, BLUE).subarray(0, 60),
          }),
        'APPEARANCE_IMAGE_INVALID',
      ],
      [
        'a character the font lacks',
        () => renderTextStamp(template, { lines: ['SAO Y ☃'] }),
        'APPEARANCE_TEXT_UNSUPPORTED',
      ],
    ];
    it.each(cases)('%s', async (_name, run, code) => {
      await expect(run()).rejects.toMatchObject({ code });
    });
  });
});
