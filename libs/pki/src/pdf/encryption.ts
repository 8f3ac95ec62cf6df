import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { PdfFormatError } from './errors';
import { PdfDict, PdfName, PdfObject, PdfString } from './objects';

/**
 * The standard security handler (ISO 32000-2, 7.6.4) opened with the empty user password, as
 * readers open files that only restrict permissions: RC4 40-128 (R2-R4), AES-128 (R4) and AES-256
 * (R5, R6). Only what analysis needs: per-object decryption of strings and streams, and encryption
 * of the strings an incremental update writes. A file that needs a password is refused.
 */

type Method = 'identity' | 'rc4' | 'aes128' | 'aes256';

/** 7.6.4.3, step (a): the padding string of algorithm 2. */
const PADDING = Buffer.from('28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A', 'hex');

const encrypted = (message: string) => new PdfFormatError('ENCRYPTED_PDF', message);

export class StandardSecurityHandler {
  private constructor(
    private readonly fileKey: Buffer,
    private readonly strings: Method,
    private readonly streams: Method,
    readonly encryptMetadata: boolean,
  ) {}

  /** Opens the handler for the empty user password. Throws PdfFormatError ENCRYPTED_PDF otherwise. */
  static open(dict: PdfDict, firstId: Uint8Array): StandardSecurityHandler {
    if (dict.name('Filter') !== 'Standard')
      throw encrypted(`the security handler ${dict.name('Filter') ?? '?'} is not supported`);
    const v = num(dict.get('V'));
    const r = num(dict.get('R'));
    const o = bytesOf(dict.get('O'));
    const u = bytesOf(dict.get('U'));
    const p = num(dict.get('P'));
    const encryptMetadata = dict.get('EncryptMetadata') !== false;
    if (o === null || u === null || p === null || v === null || r === null)
      throw encrypted('the encryption dictionary lacks /V, /R, /O, /U or /P');
    let strings: Method;
    let streams: Method;
    if (v === 1 || v === 2) strings = streams = 'rc4';
    else if (v === 4 || v === 5) {
      const cf = dict.get('CF');
      const method = (name: string | null): Method => {
        if (name === null || name === 'Identity') return 'identity';
        const filter = cf instanceof PdfDict ? cf.get(name) : undefined;
        const cfm = filter instanceof PdfDict ? filter.name('CFM') : null;
        if (cfm === 'V2') return 'rc4';
        if (cfm === 'AESV2') return 'aes128';
        if (cfm === 'AESV3') return 'aes256';
        if (cfm === 'None') return 'identity';
        throw encrypted(`the crypt filter method ${cfm ?? '?'} is not supported`);
      };
      strings = method(dict.name('StrF'));
      streams = method(dict.name('StmF'));
    } else throw encrypted(`encryption version /V ${v} is not supported`);

    let fileKey: Buffer;
    if (r >= 5) fileKey = aes256FileKey(r, u, bytesOf(dict.get('UE')));
    else if (r >= 2) {
      const bits = v === 1 ? 40 : (num(dict.get('Length')) ?? (v === 4 ? 128 : 40));
      const length = r === 2 ? 5 : Math.min(16, Math.max(5, Math.floor(bits / 8)));
      fileKey = rc4FileKey(r, length, o, p, firstId, encryptMetadata);
      if (!emptyUserPasswordMatches(r, fileKey, u, firstId))
        throw encrypted('the document is protected by a user password');
    } else throw encrypted(`security handler revision /R ${r} is not supported`);
    return new StandardSecurityHandler(fileKey, strings, streams, encryptMetadata);
  }

  decryptString(objNum: number, gen: number, data: Uint8Array): Uint8Array {
    return this.crypt(this.strings, objNum, gen, data, false);
  }

  decryptStream(objNum: number, gen: number, data: Uint8Array): Uint8Array {
    return this.crypt(this.streams, objNum, gen, data, false);
  }

  encryptString(objNum: number, gen: number, data: Uint8Array): Uint8Array {
    return this.crypt(this.strings, objNum, gen, data, true);
  }

  /** Algorithm 1 (7.6.3.2): the object's key, then RC4 or AES-CBC with the IV before the data. */
  private crypt(method: Method, objNum: number, gen: number, data: Uint8Array, encrypt: boolean): Uint8Array {
    if (method === 'identity') return data;
    const key = method === 'aes256' ? this.fileKey : objectKey(this.fileKey, objNum, gen, method === 'aes128');
    if (method === 'rc4') return rc4(key, data);
    const algorithm = method === 'aes256' ? 'aes-256-cbc' : 'aes-128-cbc';
    if (encrypt) {
      const iv = randomBytes(16);
      const c = createCipheriv(algorithm, key, iv);
      return Buffer.concat([iv, c.update(data), c.final()]);
    }
    if (data.length < 32) return new Uint8Array(); // an IV alone (or less) holds nothing
    const d = createDecipheriv(algorithm, key, data.subarray(0, 16));
    const body = data.subarray(16, 16 + Math.floor((data.length - 16) / 16) * 16);
    d.setAutoPadding(false);
    const out = Buffer.concat([d.update(body), d.final()]);
    const pad = out[out.length - 1];
    // PKCS#5 padding; a damaged one is kept rather than guessed away.
    return pad >= 1 && pad <= 16 && out.subarray(out.length - pad).every((b) => b === pad)
      ? out.subarray(0, out.length - pad)
      : out;
  }
}

/** Strings and streams of the object, decrypted; a signature's /Contents is never encrypted (7.6.2). */
export function decryptValue(h: StandardSecurityHandler, objNum: number, gen: number, o: PdfObject): PdfObject {
  return mapStrings(o, (s) => new PdfString(h.decryptString(objNum, gen, s.bytes), s.hex, s.start, s.end));
}

/** The object with its strings encrypted for writing (a signature's /Contents excepted). */
export function encryptValue(h: StandardSecurityHandler, objNum: number, gen: number, o: PdfObject): PdfObject {
  return mapStrings(o, (s) => new PdfString(h.encryptString(objNum, gen, s.bytes), true));
}

function mapStrings(o: PdfObject, f: (s: PdfString) => PdfString, depth = 0): PdfObject {
  if (depth > 64) return o;
  if (o instanceof PdfString) return f(o);
  if (Array.isArray(o)) return o.map((x) => mapStrings(x, f, depth + 1));
  if (o instanceof PdfDict) {
    const signature = o.has('ByteRange') || o.name('Type') === 'Sig' || o.name('Type') === 'DocTimeStamp';
    const out = new PdfDict();
    for (const [k, v] of o.map) out.set(k, signature && k === 'Contents' ? v : mapStrings(v, f, depth + 1));
    return out;
  }
  return o;
}

function num(o: PdfObject | undefined): number | null {
  return typeof o === 'number' && Number.isInteger(o) ? o : null;
}

function bytesOf(o: PdfObject | undefined): Buffer | null {
  return o instanceof PdfString ? Buffer.from(o.bytes) : null;
}

const md5 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** Algorithm 2 (7.6.4.3.2) with the empty password. */
function rc4FileKey(r: number, length: number, o: Buffer, p: number, id: Uint8Array, encryptMetadata: boolean): Buffer {
  const pBytes = Buffer.alloc(4);
  pBytes.writeInt32LE(p | 0);
  const tail = r >= 4 && !encryptMetadata ? Buffer.from([0xff, 0xff, 0xff, 0xff]) : Buffer.alloc(0);
  let h = md5(PADDING, o.subarray(0, 32), pBytes, id, tail);
  if (r >= 3) for (let i = 0; i < 50; i++) h = md5(h.subarray(0, length));
  return h.subarray(0, length);
}

/** Algorithms 4 and 5 (7.6.4.4.3-4): does the empty user password open the file? */
function emptyUserPasswordMatches(r: number, key: Buffer, u: Buffer, id: Uint8Array): boolean {
  if (r === 2) return Buffer.from(rc4(key, PADDING)).equals(u.subarray(0, 32));
  let x: Uint8Array = rc4(key, md5(PADDING, id));
  for (let i = 1; i <= 19; i++) x = rc4(Buffer.from(key.map((b) => b ^ i)), x);
  return Buffer.from(x).equals(u.subarray(0, 16));
}

/** Algorithm 2.A (7.6.4.3.3) for the empty user password: check /U, then unwrap /UE. */
function aes256FileKey(r: number, u: Buffer, ue: Buffer | null): Buffer {
  if (u.length < 48 || !ue || ue.length < 32) throw encrypted('the AES-256 /U or /UE entry is malformed');
  const password = Buffer.alloc(0);
  const hash = (salt: Buffer) => (r === 5 ? createHash('sha256').update(salt).digest() : hash2B(password, salt));
  if (!hash(u.subarray(32, 40)).equals(u.subarray(0, 32)))
    throw encrypted('the document is protected by a user password');
  const d = createDecipheriv('aes-256-cbc', hash(u.subarray(40, 48)), Buffer.alloc(16));
  d.setAutoPadding(false);
  return Buffer.concat([d.update(ue.subarray(0, 32)), d.final()]);
}

/** Algorithm 2.B (7.6.4.3.4), the R6 hash, for the user password (no /U data). */
function hash2B(password: Buffer, salt: Buffer): Buffer {
  let k = createHash('sha256').update(password).update(salt).digest();
  let e = Buffer.alloc(0);
  for (let i = 0; i < 64 || e[e.length - 1] > i - 32; i++) {
    const block = Buffer.concat([password, k]);
    const c = createCipheriv('aes-128-cbc', k.subarray(0, 16), k.subarray(16, 32));
    c.setAutoPadding(false);
    e = Buffer.concat([c.update(Buffer.concat(new Array<Buffer>(64).fill(block))), c.final()]);
    let sum = 0;
    for (let j = 0; j < 16; j++) sum += e[j]; // 256 = 1 (mod 3): the 128-bit number mod 3
    k = createHash(['sha256', 'sha384', 'sha512'][sum % 3])
      .update(e)
      .digest();
  }
  return k.subarray(0, 32);
}

/** Algorithm 1, steps (a)-(d): the key of one object for RC4 or AES-128. */
function objectKey(fileKey: Buffer, objNum: number, gen: number, aes: boolean): Buffer {
  const ids = Buffer.from([objNum & 0xff, (objNum >> 8) & 0xff, (objNum >> 16) & 0xff, gen & 0xff, (gen >> 8) & 0xff]);
  const h = md5(fileKey, ids, aes ? Buffer.from('sAlT', 'latin1') : Buffer.alloc(0));
  return h.subarray(0, Math.min(fileKey.length + 5, 16));
}

/** RC4 (OpenSSL 3 keeps it in the legacy provider, so it is written out here). */
function rc4(key: Uint8Array, data: Uint8Array): Uint8Array {
  const s = new Uint8Array(256);
  for (let i = 0; i < 256; i++) s[i] = i;
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i] + key[i % key.length]) & 0xff;
    [s[i], s[j]] = [s[j], s[i]];
  }
  const out = new Uint8Array(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 0xff;
    j = (j + s[i]) & 0xff;
    [s[i], s[j]] = [s[j], s[i]];
    out[n] = data[n] ^ s[(s[i] + s[j]) & 0xff];
  }
  return out;
}

/** Names of objects whose streams are never encrypted. */
export function streamNotEncrypted(dict: PdfDict, h: StandardSecurityHandler): boolean {
  const type = dict.name('Type');
  if (type === 'XRef') return true;
  if (type === 'Metadata' && !h.encryptMetadata) return true;
  const filter = dict.get('Filter');
  const filters = Array.isArray(filter) ? filter : [filter];
  return filters.some((f) => f instanceof PdfName && f.value === 'Crypt'); // its own crypt filter (Identity in practice)
}
