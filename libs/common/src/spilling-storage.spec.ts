import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Request } from 'express';
import { HashedUpload, SpillingStorage } from './spilling-storage';

type Stored = Partial<HashedUpload>;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Resolves once `done()` holds; fails the test after 5 s. */
async function until(done: () => boolean): Promise<void> {
  for (const end = Date.now() + 5000; !done(); await new Promise((r) => setTimeout(r, 5)))
    if (Date.now() > end) throw new Error('condition not reached in 5 s');
}

describe('uploads: small ones in memory, big ones spilled to a file as they arrive', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kyso-upload-storage-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const store = (storage: SpillingStorage, chunks: Buffer[]) =>
    new Promise<Stored>((resolve, reject) => {
      const file = { stream: Readable.from(chunks) } as unknown as Express.Multer.File;
      storage._handleFile({} as Request, file, (e, info) => (e ? reject(e) : resolve(info!)));
    });
  const remove = (storage: SpillingStorage, info: Stored) =>
    new Promise<void>((r) => storage._removeFile({} as Request, info as Express.Multer.File, () => r()));

  it('keeps an upload up to the threshold in memory, writing nothing', async () => {
    const info = await store(new SpillingStorage(dir, 8), [Buffer.from('%PDF'), Buffer.from('-1.7')]);
    expect(info.buffer?.toString()).toBe('%PDF-1.7');
    expect(info.size).toBe(8);
    expect(info.path).toBeUndefined();
    expect(info.sha256?.digest('hex')).toBe(sha256(Buffer.from('%PDF-1.7')));
    expect(readdirSync(dir)).toEqual([]);
  });

  it('writes a bigger upload to a file of its own, every byte in order, and removes it', async () => {
    const chunks = Array.from({ length: 50 }, (_, i) => Buffer.alloc(1000, i));
    const storage = new SpillingStorage(dir, 4096);
    const info = await store(storage, chunks);
    expect(info.buffer).toBeUndefined();
    expect(info.size).toBe(50_000);
    expect(readFileSync(info.path!).equals(Buffer.concat(chunks))).toBe(true);
    // Hashed as it arrived: the signer does not read the file again for its digest.
    expect(info.sha256?.digest('hex')).toBe(sha256(Buffer.concat(chunks)));
    await remove(storage, info);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('leaves no file behind when the upload fails midway', async () => {
    const failing = new Readable({ read() {} });
    const storage = new SpillingStorage(dir, 10);
    const stored = new Promise<Stored>((resolve, reject) =>
      storage._handleFile({} as Request, { stream: failing } as unknown as Express.Multer.File, (e, info) =>
        e ? reject(e) : resolve(info!),
      ),
    );
    failing.push(Buffer.alloc(100));
    // The spill file is opened and removed asynchronously: wait for each state, however busy the machine.
    await until(() => readdirSync(dir).length === 1);
    failing.destroy(new Error('client went away'));
    await expect(stored).rejects.toThrow('client went away');
    await until(() => readdirSync(dir).length === 0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('receives a big upload into lent memory when given, hashed, writing nothing', async () => {
    const chunks = Array.from({ length: 20 }, (_, i) => Buffer.alloc(1000, i));
    const lent = Buffer.alloc(25_000);
    const info = await store(new SpillingStorage(dir, 4096, () => lent), chunks);
    expect(info.path).toBeUndefined();
    expect(info.size).toBe(20_000);
    expect(info.buffer?.buffer).toBe(lent.buffer);
    expect(info.buffer?.equals(Buffer.concat(chunks))).toBe(true);
    expect(info.sha256?.digest('hex')).toBe(sha256(Buffer.concat(chunks)));
    expect(readdirSync(dir)).toEqual([]);
  });

  it('asks for memory only when an upload outgrows the in-memory threshold', async () => {
    let asked = 0;
    const storage = new SpillingStorage(dir, 4096, () => (asked++, Buffer.alloc(10_000)));
    const small = await store(storage, [Buffer.alloc(4096, 1)]);
    expect(small.buffer?.length).toBe(4096);
    expect(asked).toBe(0);
    await store(storage, [Buffer.alloc(4096, 1), Buffer.alloc(1, 2)]);
    expect(asked).toBe(1);
  });

  it('spills an upload bigger than the lent memory, what was received first, every byte in order', async () => {
    const chunks = Array.from({ length: 20 }, (_, i) => Buffer.alloc(1000, i));
    const info = await store(new SpillingStorage(dir, 4096, () => Buffer.alloc(12_500)), chunks);
    expect(info.buffer).toBeUndefined();
    expect(readFileSync(info.path!).equals(Buffer.concat(chunks))).toBe(true);
    expect(info.sha256?.digest('hex')).toBe(sha256(Buffer.concat(chunks)));
  });

  it('tells once that a file is big: at its start when the request declares more, else once it outgrows the threshold', async () => {
    const told: string[] = [];
    const storeAs = (storage: SpillingStorage, req: Partial<Request>, chunks: Buffer[]) =>
      new Promise<number>((resolve, reject) => {
        const stream = Readable.from(chunks);
        const file = { stream } as unknown as Express.Multer.File;
        storage._handleFile(req as Request, file, (e) => (e ? reject(e) : resolve(0)));
        // What was told before the first byte was read.
        told.push(`start:${calls}`);
      });
    let calls = 0;
    const big = () => void calls++;
    const spilling = new SpillingStorage(dir, 4096, undefined, big);
    await storeAs(spilling, { headers: { 'content-length': '50000' } }, [Buffer.alloc(20_000)]);
    expect([told.pop(), calls]).toEqual(['start:1', 1]);
    await storeAs(spilling, { headers: {} }, [Buffer.alloc(3000), Buffer.alloc(3000), Buffer.alloc(3000)]);
    expect([told.pop(), calls]).toEqual(['start:1', 2]);
    await storeAs(spilling, { headers: { 'content-length': '4000' } }, [Buffer.alloc(4000)]);
    expect(calls).toBe(2);
    // With lent memory as well: still once, and the memory still asked.
    let asked = 0;
    const lending = new SpillingStorage(dir, 4096, () => (asked++, Buffer.alloc(30_000)), big);
    await storeAs(lending, { headers: { 'content-length': '50000' } }, [Buffer.alloc(10_000), Buffer.alloc(10_000)]);
    expect([calls, asked]).toEqual([3, 1]);
  });
});
