import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Request } from 'express';
import { SpillingStorage, type Upload } from './upload-storage';

/** Feeds `bytes` to the storage as multer would (a file stream in 64 KB chunks). */
function store(storage: SpillingStorage, bytes: Buffer): Promise<Upload> {
  const stream = new PassThrough();
  const done = new Promise<Upload>((ok, fail) =>
    storage._handleFile({} as Request, { stream } as unknown as Express.Multer.File, (e, info) =>
      e ? fail(e) : ok(info as Upload),
    ),
  );
  for (let at = 0; at < bytes.length; at += 65536) stream.write(bytes.subarray(at, at + 65536));
  stream.end();
  return done;
}

describe('SpillingStorage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kyso-spill-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

  it('keeps an upload up to the bound in memory, with its digest', async () => {
    const bytes = randomBytes(300_000);
    const upload = await store(new SpillingStorage(dir, 300_000), bytes);
    expect(upload).toMatchObject({ size: bytes.length, sha256: sha256(bytes) });
    expect(upload.path).toBeUndefined();
    expect(upload.buffer!.equals(bytes)).toBe(true);
  });

  it('writes a bigger one to a private file as it arrives, and removes it on request', async () => {
    const bytes = randomBytes(1_000_000);
    const storage = new SpillingStorage(dir, 300_000);
    const upload = await store(storage, bytes);
    expect(upload).toMatchObject({ size: bytes.length, sha256: sha256(bytes) });
    expect(upload.buffer).toBeUndefined();
    expect(upload.path!.startsWith(dir)).toBe(true);
    expect(readFileSync(upload.path!).equals(bytes)).toBe(true);
    await new Promise<void>((ok, fail) =>
      storage._removeFile({} as Request, upload as unknown as Express.Multer.File, (e) => (e ? fail(e) : ok())),
    );
    expect(existsSync(upload.path!)).toBe(false);
  });
});
