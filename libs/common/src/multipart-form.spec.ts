import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Request } from 'express';
import { readSingleFileForm, SingleFileFormOptions } from './multipart-form';
import { ProblemError } from './problem';

const BOUNDARY = 'kyso-test-boundary';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

type Part = { name: string; value: string } | { name: string; file: Buffer; filename?: string };

function body(parts: Part[]): Buffer {
  const out: Buffer[] = [];
  for (const p of parts) {
    const head =
      'file' in p
        ? `Content-Disposition: form-data; name="${p.name}"; filename="${p.filename ?? 'a.pdf'}"\r\nContent-Type: application/pdf`
        : `Content-Disposition: form-data; name="${p.name}"`;
    out.push(Buffer.from(`--${BOUNDARY}\r\n${head}\r\n\r\n`), 'file' in p ? p.file : Buffer.from(p.value));
    out.push(Buffer.from('\r\n'));
  }
  out.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(out);
}

/** A request stand-in that streams `bytes` in 16 KB chunks, as a socket would. */
function request(bytes: Buffer, contentType = `multipart/form-data; boundary=${BOUNDARY}`): Request {
  const req = new PassThrough() as unknown as Request;
  (req as unknown as { headers: Record<string, string> }).headers = { 'content-type': contentType };
  setImmediate(() => {
    const s = req as unknown as PassThrough;
    for (let at = 0; at < bytes.length; at += 16384) s.write(bytes.subarray(at, at + 16384));
    s.end();
  });
  return req;
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: ProblemError) => `${e.status} ${e.code} ${e.detail}`,
  );

describe('readSingleFileForm: one file and text fields, straight from the request', () => {
  let dir: string;
  let opts: SingleFileFormOptions;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kyso-form-'));
    opts = { field: 'file', maxFileBytes: 1_000_000, inMemoryBytes: 100_000, dir };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps a small file in memory with its digest, name and the text fields (a repeated one as a list)', async () => {
    const pdf = randomBytes(50_000);
    const form = await readSingleFileForm(
      request(
        body([
          { name: 'note', value: 'Văn bản' },
          { name: 'file', file: pdf, filename: 'hồ sơ.pdf' },
          { name: 'note', value: 'x' },
        ]),
      ),
      opts,
    );
    expect(form!.file!.buffer!.equals(pdf)).toBe(true);
    expect(form!.file!.path).toBeUndefined();
    expect(form!.file!.size).toBe(pdf.length);
    expect(form!.file!.sha256!.digest('hex')).toBe(sha256(pdf));
    // As multer gives it: the header's bytes read as latin1 (the service decodes UTF-8 again).
    expect(Buffer.from(form!.file!.originalname, 'latin1').toString('utf8')).toBe('hồ sơ.pdf');
    expect({ ...form!.fields }).toEqual({ note: ['Văn bản', 'x'] });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('writes a big file to a private file as it arrives', async () => {
    const pdf = randomBytes(300_000);
    const form = await readSingleFileForm(request(body([{ name: 'file', file: pdf }])), opts);
    expect(form!.file!.buffer).toBeUndefined();
    expect(form!.file!.path!.startsWith(dir)).toBe(true);
    expect(readFileSync(form!.file!.path!).equals(pdf)).toBe(true);
    expect(form!.file!.sha256!.digest('hex')).toBe(sha256(pdf));
  });

  it('leaves a file kept in memory unhashed with hashInMemory false, a spilled one hashed whole', async () => {
    const small = randomBytes(40_000);
    const kept = await readSingleFileForm(request(body([{ name: 'file', file: small }])), {
      ...opts,
      hashInMemory: false,
    });
    expect(kept!.file!.buffer!.equals(small)).toBe(true);
    expect(kept!.file!.sha256).toBeUndefined();
    // Spilled after chunks were held in memory unhashed: those are hashed first, then the rest.
    const big = randomBytes(300_000);
    const spilled = await readSingleFileForm(request(body([{ name: 'file', file: big }])), {
      ...opts,
      hashInMemory: false,
    });
    expect(spilled!.file!.path!.startsWith(dir)).toBe(true);
    expect(spilled!.file!.sha256!.digest('hex')).toBe(sha256(big));
  });

  it('goes on reading the request after a file that ended while its spill file was behind', async () => {
    // The file's reader pauses on the first 2 MB (the spill file's write is behind); the rest of the
    // file and the closing delimiter come in one chunk: the request, paused meanwhile, must resume.
    const pdf = randomBytes(2_200_000);
    const bytes = body([{ name: 'file', file: pdf }]);
    const req = new PassThrough() as unknown as Request;
    (req as unknown as { headers: Record<string, string> }).headers = {
      'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
    };
    const at = bytes.length - 100_000;
    setImmediate(() => (req as unknown as PassThrough).end(bytes.subarray(at)));
    (req as unknown as PassThrough).write(bytes.subarray(0, at));
    const form = await readSingleFileForm(req, { ...opts, maxFileBytes: 3_000_000 });
    expect(readFileSync(form!.file!.path!).equals(pdf)).toBe(true);
  });

  it('accepts a file of exactly the limit and refuses a bigger one with 413, leaving no file behind', async () => {
    const max = { ...opts, maxFileBytes: 200_000 };
    const exact = await readSingleFileForm(request(body([{ name: 'file', file: randomBytes(200_000) }])), max);
    expect(exact!.file!.size).toBe(200_000);
    rmSync(exact!.file!.path!);
    const req = request(body([{ name: 'file', file: randomBytes(200_001) }]));
    expect(await failure(readSingleFileForm(req, max))).toBe('413 PAYLOAD_TOO_LARGE File too large');
    await new Promise((r) => setTimeout(r, 50));
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses another file field, a second file and a malformed body with 400, as multer did', async () => {
    const other = request(body([{ name: 'other', file: Buffer.from('x') }]));
    expect(await failure(readSingleFileForm(other, opts))).toBe('400 BAD_REQUEST Unexpected file field - other');
    const twice = request(
      body([
        { name: 'file', file: Buffer.from('a') },
        { name: 'file', file: Buffer.from('b') },
      ]),
    );
    expect(await failure(readSingleFileForm(twice, opts))).toBe('400 BAD_REQUEST Unexpected file field - file');
    const cut = body([{ name: 'file', file: randomBytes(1000) }]);
    expect(await failure(readSingleFileForm(request(cut.subarray(0, 500)), opts))).toMatch(
      /^400 BAD_REQUEST Multipart: Unexpected end of form/,
    );
    const noBoundary = request(Buffer.from('x'), 'multipart/form-data');
    expect(await failure(readSingleFileForm(noBoundary, opts))).toMatch(/^400 BAD_REQUEST/);
  });

  it('refuses a text field over 1 MiB', async () => {
    const req = request(body([{ name: 'note', value: 'a'.repeat(1024 * 1024 + 1) }]));
    expect(await failure(readSingleFileForm(req, opts))).toBe('400 BAD_REQUEST Field value too long - note');
  });

  it('leaves a request that is not multipart alone', async () => {
    expect(await readSingleFileForm(request(Buffer.from('{}'), 'application/json'), opts)).toBeUndefined();
    expect(existsSync(dir)).toBe(true);
  });

  describe('asMulter, with the fields and files limits (the signer form, issue 12.5)', () => {
    const multer = () => ({ ...opts, asMulter: true, limits: { fieldSize: 64, parts: 1000, fields: 3, files: 1 } });

    it('nests and decodes names as multer does, and drops a file part without a file name', async () => {
      const pdf = randomBytes(1000);
      // A part of type application/octet-stream is a file to busboy; without a file name multer drops it.
      const nameless = Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"\r\n` +
          'Content-Type: application/octet-stream\r\n\r\ndropped\r\n',
      );
      const fields = body([
        { name: 'a[b]', value: '1' },
        { name: 'rea%22son', value: '2' },
      ]);
      const form = await readSingleFileForm(request(Buffer.concat([nameless, fields])), multer());
      expect(form!.file).toBeUndefined();
      expect({ ...form!.fields }).toEqual({ a: { b: '1' }, 'rea"son': '2' });
      const named = await readSingleFileForm(
        request(body([{ name: 'file', file: pdf, filename: 'c%22v.pdf' }])),
        multer(),
      );
      expect(named!.file!.originalname).toBe('c"v.pdf');
      // It counts as a file all the same (files: 1).
      const then = await failure(
        readSingleFileForm(request(Buffer.concat([nameless, body([{ name: 'file', file: pdf }])])), multer()),
      );
      expect(then).toBe('400 BAD_REQUEST Too many files');
    });

    it("refuses multer's way: too many fields, too many files, a value too long", async () => {
      const fields = [1, 2, 3, 4].map((i) => ({ name: `f${i}`, value: 'x' }));
      expect(await failure(readSingleFileForm(request(body(fields)), multer()))).toBe(
        '400 BAD_REQUEST Too many fields',
      );
      const files = [
        { name: 'file', file: Buffer.from('a') },
        { name: 'file', file: Buffer.from('b') },
      ];
      expect(await failure(readSingleFileForm(request(body(files)), multer()))).toBe('400 BAD_REQUEST Too many files');
      const long = request(body([{ name: 'r%0Aeason', value: 'x'.repeat(65) }]));
      expect(await failure(readSingleFileForm(long, multer()))).toBe('400 BAD_REQUEST Field value too long - r\neason');
    });

    it('receives a big file into the memory lent and tells bigUpload once, with the fields before the file', async () => {
      const pdf = randomBytes(300_000);
      const lent = Buffer.alloc(400_000);
      const told: Record<string, unknown>[] = [];
      const form = await readSingleFileForm(
        request(
          body([
            { name: 'pin', value: '1234' },
            { name: 'file', file: pdf },
            { name: 'after', value: 'x' },
          ]),
        ),
        { ...multer(), memory: () => lent, bigUpload: (f) => told.push({ ...f }) },
      );
      expect(told).toEqual([{ pin: '1234' }]);
      expect(form!.file!.buffer!.buffer).toBe(lent.buffer);
      expect(form!.file!.buffer!.equals(pdf)).toBe(true);
      expect(readdirSync(dir)).toEqual([]);
    });

    it('tells bigUpload at the file start when the request declares more than inMemoryBytes', async () => {
      const req = request(
        body([
          { name: 'pin', value: '1' },
          { name: 'file', file: randomBytes(10) },
        ]),
      );
      req.headers['content-length'] = '200000';
      let told = 0;
      await readSingleFileForm(req, { ...multer(), bigUpload: () => told++ });
      expect(told).toBe(1);
      // A small file of a small request is never big.
      const small = request(body([{ name: 'file', file: randomBytes(10) }]));
      await readSingleFileForm(small, { ...multer(), bigUpload: () => told++ });
      expect(told).toBe(1);
    });
  });
});
