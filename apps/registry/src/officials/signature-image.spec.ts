import { makePng } from '../../test/png';
import { checkSignaturePng } from './signature-image';

describe('checkSignaturePng', () => {
  it('accepts a PNG with an alpha channel, and one with a tRNS chunk', () => {
    expect(checkSignaturePng(makePng({ width: 300, height: 100, colorType: 6 }))).toEqual({
      ok: true,
      width: 300,
      height: 100,
      colorType: 6,
      transparency: 'alpha',
    });
    expect(checkSignaturePng(makePng({ width: 64, height: 32, colorType: 4 }))).toMatchObject({
      ok: true,
      transparency: 'alpha',
    });
    expect(checkSignaturePng(makePng({ width: 64, height: 32, colorType: 3, tRNS: true }))).toMatchObject({
      ok: true,
      transparency: 'tRNS',
    });
    expect(checkSignaturePng(makePng({ width: 64, height: 32, colorType: 2, tRNS: true }))).toMatchObject({
      ok: true,
      transparency: 'tRNS',
    });
  });

  it('refuses an opaque PNG', () => {
    expect(checkSignaturePng(makePng({ width: 64, height: 32, colorType: 2 }))).toMatchObject({
      ok: false,
      code: 'PNG_NOT_TRANSPARENT',
    });
  });

  it('refuses what is not a PNG, or a damaged one', () => {
    expect(checkSignaturePng(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))).toMatchObject({
      ok: false,
      code: 'NOT_A_PNG',
    });
    const png = makePng({ width: 64, height: 32, colorType: 6 });
    const flipped = Buffer.from(png);
    flipped[40] ^= 0xff; // inside IDAT: its CRC no longer matches
    expect(checkSignaturePng(flipped)).toMatchObject({ ok: false, code: 'PNG_CORRUPT' });
    expect(checkSignaturePng(png.subarray(0, png.length - 12))).toMatchObject({ ok: false, code: 'PNG_CORRUPT' });
    expect(checkSignaturePng(Buffer.concat([png, Buffer.from('trailing')]))).toMatchObject({
      ok: false,
      code: 'PNG_CORRUPT',
    });
  });

  it('enforces the dimension limits', () => {
    expect(checkSignaturePng(makePng({ width: 4000, height: 100, colorType: 6 }))).toMatchObject({
      ok: false,
      code: 'IMAGE_TOO_LARGE',
    });
    expect(checkSignaturePng(makePng({ width: 8, height: 8, colorType: 6 }))).toMatchObject({
      ok: false,
      code: 'IMAGE_TOO_SMALL',
    });
  });
});
