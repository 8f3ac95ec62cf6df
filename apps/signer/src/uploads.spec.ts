import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import { text } from 'node:stream/consumers';
import type { CallHandler, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { lastValueFrom, Subject } from 'rxjs';
import { inputThenUpdate, ReceiveUploadInMemory, spareUploadMemory, withUploadBytes } from './uploads';

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

describe('uploads: a big upload received into the spare buffer, one request at a time', () => {
  const MB = 1024 * 1024;
  const memory = spareUploadMemory(50 * MB);
  /** A request through ReceiveUploadInMemory: its handler ends with `handled`, its response with `close`. */
  const route = (contentLength?: number) => {
    const req = { headers: contentLength === undefined ? {} : { 'content-length': String(contentLength) } } as Request;
    const res = new EventEmitter();
    const context = {
      switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }),
    } as unknown as ExecutionContext;
    const handled = new Subject<unknown>();
    const handler = new ReceiveUploadInMemory().intercept(context, { handle: () => handled } as CallHandler);
    const running = lastValueFrom(handler, { defaultValue: undefined });
    return {
      req,
      end: async () => {
        handled.complete();
        await running;
      },
      close: () => res.emit('close'),
    };
  };

  it('lends one buffer at most, back only once both the handler and the response are over', async () => {
    const first = route(3 * MB);
    const lent = memory(first.req);
    expect(lent?.length).toBeGreaterThanOrEqual(3 * MB);
    // Another big upload meanwhile spills to a file, as before.
    const second = route(3 * MB);
    expect(memory(second.req)).toBeUndefined();
    // The handler is done but the answer may still be sent from the buffer.
    await first.end();
    expect(memory(route(3 * MB).req)).toBeUndefined();
    first.close();
    // Given back and used again: no second 100 MB.
    const third = route(2 * MB);
    expect(memory(third.req)?.buffer).toBe(lent!.buffer);
    third.close();
    await third.end();
    second.close();
    await second.end();
  });

  it('lends nothing to a route without the interceptor', async () => {
    expect(memory({ headers: { 'content-length': String(3 * MB) } } as Request)).toBeUndefined();
    const big = route(3 * MB);
    expect(memory(big.req)).toBeDefined();
    big.close();
    await big.end();
  });

  it('sizes the buffer by the announced length, at most the file limit (busboy stops there)', async () => {
    const r = route(80 * MB);
    const lent = spareUploadMemory(5 * MB)(r.req);
    expect(lent?.length).toBeGreaterThanOrEqual(5 * MB);
    expect(lent?.length).toBeLessThan(6 * MB);
    await r.end();
    r.close();
  });

  it('lends room for the largest file to an upload of unknown size (chunked, through a proxy)', async () => {
    const chunked = route();
    const lent = spareUploadMemory(60 * MB)(chunked.req);
    expect(lent?.length).toBeGreaterThanOrEqual(60 * MB);
    expect(lent?.length).toBeLessThan(61 * MB);
    await chunked.end();
    chunked.close();
  });
});
