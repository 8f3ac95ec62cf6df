import { randomBytes } from 'node:crypto';
import { pemBlocks, toPem } from './pem';

/** The PEM writing toPem replaced: lines of 64 by regular expression. */
const byRegExp = (label: string, der: Uint8Array) => {
  const b64 = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
};

describe('toPem', () => {
  it('writes what the regular expression wrote, for every length either side of a line', () => {
    for (let n = 0; n <= 200; n++) {
      const der = new Uint8Array(randomBytes(n));
      expect(toPem('CERTIFICATE', der)).toBe(byRegExp('CERTIFICATE', der));
    }
  });

  it('writes only the bytes of a view, not its whole buffer, and reads back the same bytes', () => {
    const buffer = randomBytes(300);
    const view = new Uint8Array(buffer.buffer, buffer.byteOffset + 17, 150);
    const pem = toPem('CERTIFICATE', view);
    expect(pem).toBe(byRegExp('CERTIFICATE', view));
    expect(pem.split('\n').every((l) => l.length <= 64)).toBe(true);
    expect(Buffer.from(pemBlocks(pem)[0].der)).toEqual(Buffer.from(view));
  });
});
