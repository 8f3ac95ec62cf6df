import { Box } from './page-box';
import { DecodedImage } from './png';

/** Points per metre: a PNG's pHYs gives the seal's real size. */
const POINTS_PER_METRE = 72 / 0.0254;

/** Scales w x h to fit in box keeping the aspect, centred. */
export function fit(box: Box, w: number, h: number): Box {
  const scale = Math.min(box.width / w, box.height / h);
  const width = w * scale;
  const height = h * scale;
  return { x: box.x + (box.width - width) / 2, y: box.y + (box.height - height) / 2, width, height };
}

/**
 * Lays out the signature image and the seal in `area`, in drawing order. The seal (real size when
 * its PNG says it and it fits, else the area's height) covers about the left third of the
 * signature image, as Decree 30/2020 (Appendix I) shows the organisation's seal.
 */
export function placeImages(
  area: Box,
  signature: DecodedImage | undefined,
  seal: DecodedImage | undefined,
): { name: string; image: DecodedImage; at: Box }[] {
  if (!seal)
    return signature ? [{ name: 'Im1', image: signature, at: fit(area, signature.width, signature.height) }] : [];
  let sealHeight = area.height;
  const ppm = seal.pixelsPerMetre?.y;
  if (ppm) sealHeight = Math.min(sealHeight, (seal.height / ppm) * POINTS_PER_METRE);
  const sealWidth = Math.min(area.width, (sealHeight * seal.width) / seal.height);
  sealHeight = (sealWidth * seal.height) / seal.width;
  if (!signature) {
    // The seal alone, at its size: the caller places it over the leader's visible signature.
    const at = { x: area.x, y: area.y + (area.height - sealHeight) / 2, width: sealWidth, height: sealHeight };
    return [{ name: 'Im2', image: seal, at }];
  }
  // Two thirds of the seal stand out left of the signature image; the image gets the rest.
  const lead = Math.min((sealWidth * 2) / 3, area.width / 2);
  const sig = fit({ ...area, x: area.x + lead, width: area.width - lead }, signature.width, signature.height);
  const sealX = Math.max(area.x, sig.x + sig.width / 3 - sealWidth);
  const sealY = area.y + (area.height - sealHeight) / 2;
  return [
    { name: 'Im1', image: signature, at: sig },
    { name: 'Im2', image: seal, at: { x: sealX, y: sealY, width: sealWidth, height: sealHeight } },
  ];
}
