import { KeyStoreError } from './errors';

/** The parts of a PKCS#11 URI (RFC 7512) a key reference uses. */
export interface KeyUriParts {
  token: string;
  /** CKA_ID of the key pair. */
  id?: Uint8Array;
  /** CKA_LABEL of the key. */
  object?: string;
}

// RFC 7512 pchar: unreserved / pct-encoded / ":" / "[" / "]" / "@" / "!" / "$" / "'" / "(" / ")" / "*" / "+" / "," / "="
// ("&" is allowed too; ";" and "/" and "?" must be encoded.)
const SAFE = /[A-Za-z0-9\-._~:[\]@!$'()*+,=&]/;

function encode(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    out += b < 0x80 && SAFE.test(c) ? c : `%${b.toString(16).padStart(2, '0').toUpperCase()}`;
  }
  return out;
}

/** The id is always fully percent-encoded: it is binary. */
function encodeId(id: Uint8Array): string {
  return Array.from(id, (b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('');
}

function decode(value: string, uri: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '%') {
      const h = value.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(h)) throw new KeyStoreError('INVALID_KEY_URI', `Bad percent-encoding in ${uri}`);
      out.push(parseInt(h, 16));
      i += 2;
    } else {
      out.push(...Buffer.from(value[i], 'utf8'));
    }
  }
  return new Uint8Array(out);
}

export function formatKeyUri(parts: KeyUriParts): string {
  const attrs = [`token=${encode(Buffer.from(parts.token, 'utf8'))}`];
  if (parts.id) attrs.push(`id=${encodeId(parts.id)}`);
  if (parts.object !== undefined) attrs.push(`object=${encode(Buffer.from(parts.object, 'utf8'))}`);
  return `pkcs11:${attrs.join(';')}`;
}

/** Parses the path part of a PKCS#11 URI; query attributes (pin-source...) are ignored. */
export function parseKeyUri(uri: string): KeyUriParts {
  if (!uri.startsWith('pkcs11:')) throw new KeyStoreError('INVALID_KEY_URI', `Not a PKCS#11 URI: ${uri}`);
  const path = uri.slice('pkcs11:'.length).split('?')[0];
  const attrs = new Map<string, string>();
  for (const part of path.split(';')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new KeyStoreError('INVALID_KEY_URI', `Bad attribute "${part}" in ${uri}`);
    const name = part.slice(0, eq);
    if (attrs.has(name)) throw new KeyStoreError('INVALID_KEY_URI', `Repeated attribute "${name}" in ${uri}`);
    attrs.set(name, part.slice(eq + 1));
  }
  const token = attrs.get('token');
  if (token === undefined) throw new KeyStoreError('INVALID_KEY_URI', `Key URI needs a token label: ${uri}`);
  const id = attrs.has('id') ? decode(attrs.get('id')!, uri) : undefined;
  const object = attrs.has('object') ? Buffer.from(decode(attrs.get('object')!, uri)).toString('utf8') : undefined;
  if (!id?.length && object === undefined)
    throw new KeyStoreError('INVALID_KEY_URI', `Key URI needs an id or object label: ${uri}`);
  return { token: Buffer.from(decode(token, uri)).toString('utf8'), id: id?.length ? id : undefined, object };
}
