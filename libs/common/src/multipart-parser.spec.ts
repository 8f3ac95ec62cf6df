import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import busboy from 'busboy';
import type { Request } from 'express';
import { FORM_TEXT_LIMITS, readSingleFileForm, SingleFileFormOptions } from './multipart-form';
import { ProblemError } from './problem';

/**
 * Differential test (issue 12.6): generated forms read by readSingleFileForm (MultipartParser) and
 * by busboy with the refusals readSingleFileForm gave when it used busboy must come out the same:
 * fields, file bytes and name, or the refusal.
 */

/** A seeded generator, so that a failing form can be replayed. */
function random(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  return { next, int, pick, bytes };
}
type Random = ReturnType<typeof random>;

const BCHARS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=? ";

function boundaryOf(r: Random): string {
  const n = 1 + r.int(r.next() < 0.2 ? 70 : 30);
  let b = '';
  for (let i = 0; i < n; i++) b += r.pick([...BCHARS]);
  return b.replace(/ +$/, '') || 'x';
}

/** Bytes that look like the delimiter or its start, as a file or field may hold them. */
function lookalike(r: Random, boundary: string): Buffer {
  const d = `\r\n--${boundary}`;
  return Buffer.from(
    r.pick([
      d.slice(0, 1 + r.int(d.length - 1)),
      `--${boundary}`,
      `\r\n-${boundary}`,
      `\r\r\n--${boundary.slice(0, -1)}`,
      '\r\n\r\n',
      '\r\n--',
      '\r',
    ]),
    'latin1',
  );
}

function content(r: Random, boundary: string, max: number): Buffer {
  const out: Buffer[] = [];
  const pieces = r.int(6);
  for (let i = 0; i < pieces; i++) out.push(r.next() < 0.4 ? lookalike(r, boundary) : r.bytes(r.int(max)));
  return Buffer.concat(out);
}

const NAMES = ['file', 'note', 'policy', 'tên', 'a b', 'x"y', ''];

function param(r: Random, key: string, value: string): string {
  const raw = Buffer.from(value, 'utf8').toString('latin1');
  if (/^[A-Za-z0-9._-]+$/.test(value) && r.next() < 0.4) return `${key}=${value}`;
  return `${key}="${raw.replace(/[\\"]/g, (c) => (r.next() < 0.5 ? `\\${c}` : '%22'))}"`;
}

function fileParams(r: Random): string {
  const name = r.pick(['a.pdf', 'hồ sơ.pdf', 'C:\\docs\\b.pdf', '../c.pdf', '', 'd e.pdf']);
  return r.pick([
    () => `; ${param(r, 'filename', name)}`,
    () => `; filename*=UTF-8''${encodeURIComponent(name)}`,
    () => `; ${param(r, 'filename', 'fallback.pdf')}; filename*=utf-8''${encodeURIComponent(name)}`,
  ])();
}

/** One part: its headers (some unusual, a few malformed) and its body. */
function part(r: Random, boundary: string, fileField: boolean): Buffer {
  const name = fileField ? 'file' : r.pick(NAMES);
  const isFile = fileField || r.next() < 0.05;
  let disposition = `form-data; ${param(r, 'name', name)}${isFile ? fileParams(r) : ''}`;
  if (r.next() < 0.1) disposition = disposition.replace('; ', ';  \t');
  const headers = [
    `${r.pick(['Content-Disposition', 'content-disposition', 'CONTENT-DISPOSITION'])}:${r.pick([' ', '', '  '])}${disposition}`,
  ];
  if (isFile && r.next() < 0.7)
    headers.push(`Content-Type: ${r.pick(['application/pdf', 'application/octet-stream'])}`);
  if (!isFile && r.next() < 0.2)
    headers.push(`Content-Type: text/plain; charset=${r.pick(['utf-8', 'latin1', 'UTF-8'])}`);
  if (r.next() < 0.1) headers.push('X-Folded: a\r\n\tb');
  if (r.next() < 0.1) headers.reverse();
  if (r.next() < 0.03) headers.push(r.pick(['Bad Header: x', 'X-Ctl: a\x01b', ': empty']));
  if (r.next() < 0.03) headers.length = 0;
  const body = isFile ? content(r, boundary, 3000) : r.next() < 0.3 ? Buffer.alloc(0) : text(r, boundary);
  // A body opening with the delimiter's dashes turns its headers' last CR LF into a delimiter: busboy
  // then may wait forever (see the last test), so the comparison leaves that out.
  const opens = body.subarray(0, boundary.length + 2).toString('latin1') === `--${boundary}`;
  return Buffer.concat([Buffer.from(`${headers.join('\r\n')}\r\n\r\n${opens ? 'x' : ''}`, 'latin1'), body]);
}

function text(r: Random, boundary: string): Buffer {
  return r.next() < 0.5
    ? Buffer.from(r.pick(['Văn bản', 'x', 'a\r\nb', '€uro', '--', `--${boundary}`, ' ']), 'utf8')
    : content(r, boundary, 40);
}

function form(r: Random, boundary: string): Buffer {
  const out: Buffer[] = [];
  if (r.next() < 0.3) out.push(Buffer.concat([content(r, boundary, 50), Buffer.from('\r\n')]));
  const files = r.next() < 0.85 ? 1 : r.int(3);
  const count = files + r.int(5);
  const fileAt = new Set(Array.from({ length: files }, () => r.int(count)));
  for (let i = 0; i < count; i++) {
    out.push(Buffer.from(`--${boundary}${r.next() < 0.03 ? r.pick(['X', ' ', '-x', '\rx']) : ''}\r\n`, 'latin1'));
    out.push(part(r, boundary, fileAt.has(i)), Buffer.from('\r\n'));
  }
  const end = r.next();
  if (end < 0.9) out.push(Buffer.from(`--${boundary}--`, 'latin1'));
  if (end < 0.6) out.push(r.next() < 0.5 ? Buffer.from('\r\n') : content(r, boundary, 50));
  let bytes = Buffer.concat(out);
  if (r.next() < 0.05) bytes = bytes.subarray(0, r.int(bytes.length));
  return bytes;
}

function chunks(r: Random, bytes: Buffer): Buffer[] {
  const size = r.pick([1, 2, 3, 7, 64, 1000, 16384, 0]);
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length;) {
    const n = size || 1 + r.int(200);
    out.push(bytes.subarray(at, at + n));
    at += n;
  }
  return out;
}

/** `bytes` in chunks of `n`. */
const split = (bytes: Buffer, n: number) =>
  Array.from({ length: Math.ceil(bytes.length / n) }, (_, i) => bytes.subarray(i * n, i * n + n));

type Outcome = string | { fields: Record<string, unknown>; file?: { name: string; hex: string } };

const refusal = (e: ProblemError) => `${e.status} ${e.code} ${e.detail}`;

async function readNew(parts: Buffer[], contentType: string, opts: SingleFileFormOptions): Promise<Outcome> {
  const req = new PassThrough() as unknown as Request;
  (req as unknown as { headers: Record<string, string> }).headers = { 'content-type': contentType };
  setImmediate(() => {
    const s = req as unknown as PassThrough;
    for (const c of parts) s.write(c);
    s.end();
  });
  try {
    const form = (await readSingleFileForm(req, opts))!;
    const f = form.file;
    const bytes = f && (f.buffer ?? readFileSync(f.path!));
    return { fields: { ...form.fields }, file: f && { name: f.originalname, hex: bytes!.toString('hex') } };
  } catch (e) {
    return refusal(e as ProblemError);
  }
}

/** busboy with the events readSingleFileForm handled as it did with busboy, the file in memory. */
function readBusboy(parts: Buffer[], contentType: string, opts: SingleFileFormOptions): Promise<Outcome> {
  return new Promise((resolve) => {
    const bad = (detail: string) => `400 BAD_REQUEST ${detail}`;
    let parser: ReturnType<typeof busboy>;
    try {
      parser = busboy({
        headers: { 'content-type': contentType },
        limits: { fieldSize: FORM_TEXT_LIMITS.fieldSize + 1, parts: FORM_TEXT_LIMITS.parts + 1 },
      });
    } catch (e) {
      return resolve(bad((e as Error).message));
    }
    const fields: Record<string, string | string[]> = {};
    let file: { name: string; hex: string } | undefined;
    let receiving = 0;
    let done = false;
    const finish = (o: Outcome) => {
      if (done) return;
      done = true;
      resolve(o);
    };
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) return finish(bad(`Field value too long - ${name}`));
      const had = fields[name];
      fields[name] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
    });
    parser.on('file', (name, stream, info) => {
      stream.on('error', () => undefined);
      if (name !== opts.field || file || receiving) {
        stream.resume();
        return finish(bad(`Unexpected file field - ${name}`));
      }
      receiving++;
      const got: Buffer[] = [];
      let size = 0;
      stream.on('error', (e: Error) => finish(bad(`Multipart: ${e.message}`)));
      stream.on('data', (c: Buffer) => {
        size += c.length;
        if (size > opts.maxFileBytes) finish('413 PAYLOAD_TOO_LARGE File too large');
        got.push(c);
      });
      stream.on('end', () => {
        receiving--;
        file = { name: info.filename ?? '', hex: Buffer.concat(got).toString('hex') };
        if (closed) finish({ fields, file });
      });
    });
    let closed = false;
    parser.on('partsLimit', () => finish(bad('Too many parts')));
    parser.on('error', (e) => finish(bad(`Multipart: ${e.message}`)));
    parser.on('close', () => {
      closed = true;
      if (!receiving) finish({ fields, file });
    });
    Readable.from(parts, { objectMode: false }).pipe(parser);
  });
}

describe('MultipartParser reads forms as busboy does', () => {
  let dir: string;
  let opts: SingleFileFormOptions;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kyso-form-diff-'));
    opts = { field: 'file', maxFileBytes: 8000, inMemoryBytes: 4000, dir };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Reads `parts` both ways: what both give, or a failure naming the form. */
  async function same(parts: Buffer[], contentType: string, form: string): Promise<Outcome> {
    const expected = await readBusboy(parts, contentType, opts);
    const actual = await readNew(parts, contentType, opts);
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
      const body = Buffer.concat(parts).toString('latin1').slice(0, 20000);
      throw new Error(`${form}: ${JSON.stringify({ contentType, body, expected, actual })}`);
    }
    return expected;
  }

  it('gives the same fields, file and refusals for generated forms and chunkings', async () => {
    const kinds = new Map<string, number>();
    for (let seed = 1; seed <= 300; seed++) {
      const r = random(seed);
      const boundary = boundaryOf(r);
      const quoted = /[^A-Za-z0-9'+_.-]/.test(boundary) || r.next() < 0.3;
      const contentType = `multipart/form-data; ${r.next() < 0.1 ? 'charset=utf-8; ' : ''}boundary=${quoted ? `"${boundary}"` : boundary}`;
      const bytes = form(r, boundary);
      const parts = chunks(r, bytes);
      const expected = await same(parts, contentType, `seed ${seed}`);
      const kind = typeof expected === 'string' ? expected.replace(/ - .*/, '') : expected.file ? 'file' : 'no file';
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    // The generator reaches the accepted forms and each refusal (else the comparison proves little).
    expect([...kinds.keys()].sort()).toEqual([
      '400 BAD_REQUEST Multipart: Malformed part header',
      '400 BAD_REQUEST Multipart: Unexpected end of form',
      '400 BAD_REQUEST Unexpected file field',
      '413 PAYLOAD_TOO_LARGE File too large',
      'file',
      'no file',
    ]);
  });

  it('gives the same limits on fields and parts, and the same refusals of a Content-Type', async () => {
    const type = 'multipart/form-data; boundary=b';
    const fields = (n: number, size = 1) =>
      Buffer.from(
        `${Array.from({ length: n }, (_, i) => `--b\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\n${'v'.repeat(size)}\r\n`).join('')}--b--`,
      );
    const max = FORM_TEXT_LIMITS.fieldSize;
    expect(typeof (await same(split(fields(1, max), 65536), type, 'a field of 1 MiB'))).toBe('object');
    expect(await same(split(fields(1, max + 1), 1000), type, 'a field over 1 MiB')).toBe(
      '400 BAD_REQUEST Field value too long - f0',
    );
    expect(typeof (await same(split(fields(1000), 7), type, '1,000 parts'))).toBe('object');
    expect(await same(split(fields(1001), 7), type, '1,001 parts')).toBe('400 BAD_REQUEST Too many parts');
    const body = [fields(1)];
    expect(await same(body, 'multipart/form-data', 'no boundary')).toBe(
      '400 BAD_REQUEST Multipart: Boundary not found',
    );
    expect(await same(body, 'multipart/form-data; boundary', 'a malformed type')).toBe(
      '400 BAD_REQUEST Malformed content type',
    );
    expect(await same(body, 'multipart/form-data; boundary="b', 'an open quote')).toBe(
      '400 BAD_REQUEST Malformed content type',
    );
  });

  it("refuses a closing delimiter that runs into a part's headers (busboy waits there forever)", async () => {
    // The header block's last CR LF opens `\r\n--b`; the CR LF after that delimiter ends the block, and
    // `--` follows: the form is closed with its file part open.
    const body = Buffer.from(
      '--b\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n--b\r\n--\r\n',
    );
    for (const n of [1, 5, body.length])
      expect(await readNew(split(body, n), 'multipart/form-data; boundary=b', opts)).toBe(
        '400 BAD_REQUEST Multipart: Unexpected end of file',
      );
  });
});
