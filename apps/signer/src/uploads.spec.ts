import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { inputThenUpdate, withUploadBytes } from './uploads';

describe('uploads: a spilled upload lent for signing, answered from its file', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kyso-uploads-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const spilled = (bytes: Buffer) => {
    const path = join(dir, `upload-${bytes.length}`);
    writeFileSync(path, bytes);
    return { path, size: bytes.length } as Express.Multer.File;
  };

  it("lends a spilled upload's bytes, and the next one reuses the same memory (no second 100 MB)", async () => {
    const first = randomBytes(5000);
    const second = randomBytes(4000);
    let memory: ArrayBufferLike | undefined;
    await withUploadBytes(spilled(first), async (bytes) => {
      expect(bytes.equals(first)).toBe(true);
      memory = bytes.buffer;
    });
    await withUploadBytes(spilled(second), async (bytes) => {
      expect(bytes.equals(second)).toBe(true);
      expect(bytes.buffer).toBe(memory);
    });
  });

  it('takes the buffer back when the use fails, and lends an in-memory upload as it is', async () => {
    const bytes = randomBytes(3000);
    await expect(withUploadBytes(spilled(bytes), () => Promise.reject(new Error('refused')))).rejects.toThrow(
      'refused',
    );
    const small = Buffer.from('%PDF-1.7');
    await withUploadBytes({ buffer: small } as Express.Multer.File, async (b) => expect(b).toBe(small));
  });

  it('answers the input from its file followed by the update', async () => {
    const file = spilled(Buffer.from('%PDF-1.7 input'));
    expect(await text(inputThenUpdate(file, Buffer.from(' + update')))).toBe('%PDF-1.7 input + update');
    const inMemory = { buffer: Buffer.from('small') } as Express.Multer.File;
    expect(await text(inputThenUpdate(inMemory, new Uint8Array([0x21])))).toBe('small!');
  });
});
