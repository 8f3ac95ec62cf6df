import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';

/**
 * Writes a valid one-page PDF of about `bytes` bytes to `path` without holding it in memory: the
 * bulk is an unreferenced-by-content, incompressible stream object (as scanned attachments are),
 * written in 1 MiB blocks. Classic xref table, so every reader finds every object.
 */
export async function writeBigPdf(path: string, bytes: number): Promise<void> {
  const file = await open(path, 'w');
  let offset = 0;
  const offsets: number[] = [];
  const write = async (b: Buffer | string) => {
    const buf = typeof b === 'string' ? Buffer.from(b, 'latin1') : b;
    await file.write(buf);
    offset += buf.length;
  };
  const object = async (num: number, body: string) => {
    offsets[num] = offset;
    await write(`${num} 0 obj\n${body}\nendobj\n`);
  };
  try {
    await write('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n');
    await object(1, '<< /Type /Catalog /Pages 2 0 R /PieceInfo << /Kyso << /Private 5 0 R >> >> >>');
    await object(2, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>');
    await object(3, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>');
    const text = '72 760 m 300 760 l S';
    await object(4, `<< /Length ${text.length} >>\nstream\n${text}\nendstream`);
    const block = randomBytes(1024 * 1024);
    const length = Math.max(0, bytes - 1024);
    offsets[5] = offset;
    await write(`5 0 obj\n<< /Length ${length} >>\nstream\n`);
    for (let left = length; left > 0; left -= block.length)
      await write(block.subarray(0, Math.min(left, block.length)));
    await write('\nendstream\nendobj\n');
    const xref = offset;
    let table = `xref\n0 6\n0000000000 65535 f\r\n`;
    for (let n = 1; n <= 5; n++) table += `${String(offsets[n]).padStart(10, '0')} 00000 n\r\n`;
    await write(`${table}trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  } finally {
    await file.close();
  }
}
