import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { InboundHeader } from './inbound-result';

/**
 * The subset of edXML (the national document exchange package, Circular 10/2016/TT-BTTTT) the inbound
 * check reads. Namespace prefixes are ignored.
 *
 *   edXMLEnvelope
 *     edXMLHeader/MessageHeader
 *       From/OrganId, From/OrganName
 *       Code/CodeNumber, Code/CodeNotation
 *       PromulgationInfo/PlaceName, PromulgationInfo/PromulgationDate (YYYY-MM-DD or DD/MM/YYYY)
 *       DocumentType/TypeName, Subject, SignerInfo/FullName, SignerInfo/Position
 *     edXMLBody/Attachment*, or AttachmentEncoded/Attachment* (in the envelope or its body)
 *       ContentId, ContentType, Description, AttachmentName,
 *       ContentTransferEncoded (or Content): the file, base64 (line breaks allowed, nothing else)
 *
 * Hostile input is refused before it costs much: a DTD or entity declaration (XXE, entity
 * expansion), nesting deeper than MAX_DEPTH, more than MAX_ATTACHMENTS files, header values longer
 * than MAX_FIELD_CHARS, base64 that is not canonical. Nothing read here is trusted: the header is a
 * claim compared with the signatures.
 */
export const EDXML_LIMITS = { MAX_DEPTH: 32, MAX_ATTACHMENTS: 20, MAX_FIELD_CHARS: 1000 } as const;

export type PackageErrorReason =
  | 'NOT_UTF8'
  | 'DTD_FORBIDDEN'
  | 'XML_MALFORMED'
  | 'TOO_DEEP'
  | 'NOT_EDXML'
  | 'TOO_MANY_ATTACHMENTS'
  | 'INVALID_BASE64'
  | 'INVALID_FIELD';

/** A package that cannot be read: answered 422 INVALID_PACKAGE with this reason. */
export class PackageFormatError extends Error {
  constructor(
    readonly reason: PackageErrorReason,
    message: string,
  ) {
    super(message);
  }
}

export interface PackageAttachment {
  name: string;
  contentType: string | null;
  description: string | null;
  contentId: string | null;
  bytes: Uint8Array;
}

export interface EdxmlPackage {
  header: InboundHeader;
  attachments: PackageAttachment[];
}

type Node = Record<string, unknown>;

/** Does this upload look like XML (rather than a PDF)? Leading BOM and whitespace skipped. */
export function looksLikeXml(bytes: Uint8Array): boolean {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && i < 1024 && [0x20, 0x09, 0x0a, 0x0d].includes(bytes[i])) i++;
  return bytes[i] === 0x3c; // '<'
}

export function parseEdxml(bytes: Uint8Array): EdxmlPackage {
  let xml: string;
  try {
    xml = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new PackageFormatError('NOT_UTF8', 'The package is not UTF-8 text.');
  }
  const declared = /^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/i.exec(xml)?.[1];
  if (declared && !/^utf-?8$/i.test(declared))
    throw new PackageFormatError('NOT_UTF8', `The package declares the encoding ${declared}; edXML is UTF-8.`);
  // Before any parser sees it: no document type declaration at all, so no entity can be declared.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml))
    throw new PackageFormatError('DTD_FORBIDDEN', 'Document type and entity declarations are refused.');
  const valid = XMLValidator.validate(xml, { allowBooleanAttributes: false });
  if (valid !== true) throw new PackageFormatError('XML_MALFORMED', `Not well-formed XML: ${valid.err.msg}`);
  if (depthOf(xml) > EDXML_LIMITS.MAX_DEPTH)
    throw new PackageFormatError('TOO_DEEP', `Elements nest deeper than ${EDXML_LIMITS.MAX_DEPTH} levels.`);
  const parsed = new XMLParser({
    ignoreAttributes: true,
    removeNSPrefix: true,
    parseTagValue: false,
    trimValues: true,
    processEntities: true,
    htmlEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    isArray: (name) => name === 'Attachment',
  }).parse(xml) as Node;
  const envelope = node(parsed.edXMLEnvelope);
  if (!envelope) throw new PackageFormatError('NOT_EDXML', 'The root element is not edXMLEnvelope.');
  const message = node(node(envelope.edXMLHeader)?.MessageHeader);
  if (!message) throw new PackageFormatError('NOT_EDXML', 'The package has no edXMLHeader/MessageHeader.');
  return { header: headerOf(message), attachments: attachmentsOf(envelope) };
}

/** The deepest element nesting, counted over the tags (comments, CDATA and PIs removed first). */
function depthOf(xml: string): number {
  const stripped = xml.replace(/<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>/g, '');
  let depth = 0;
  let max = 0;
  for (const m of stripped.matchAll(/<(\/?)[^<>]*?(\/?)>/g)) {
    if (m[1]) depth--;
    else if (!m[2]) max = Math.max(max, ++depth);
  }
  return max;
}

const node = (v: unknown): Node | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Node) : undefined;

/** A text field: absent or empty is null; a structure where text belongs, or an overlong value, is refused. */
function text(parent: Node | undefined, name: string): string | null {
  const v = parent?.[name];
  if (v === undefined || v === '') return null;
  if (typeof v !== 'string') throw new PackageFormatError('INVALID_FIELD', `${name} must be text.`);
  if (v.length > EDXML_LIMITS.MAX_FIELD_CHARS)
    throw new PackageFormatError('INVALID_FIELD', `${name} is longer than ${EDXML_LIMITS.MAX_FIELD_CHARS} characters.`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(v))
    throw new PackageFormatError('INVALID_FIELD', `${name} contains control characters.`);
  return v.normalize('NFC');
}

function headerOf(m: Node): InboundHeader {
  const from = node(m.From);
  const code = node(m.Code);
  const promulgation = node(m.PromulgationInfo);
  const signer = node(m.SignerInfo);
  return {
    organId: text(from, 'OrganId'),
    organName: text(from, 'OrganName'),
    codeNumber: text(code, 'CodeNumber'),
    codeNotation: text(code, 'CodeNotation'),
    promulgationDate: isoDate(text(promulgation, 'PromulgationDate')),
    placeName: text(promulgation, 'PlaceName'),
    subject: text(m, 'Subject'),
    documentType: text(node(m.DocumentType), 'TypeName'),
    signerFullName: text(signer, 'FullName'),
    signerPosition: text(signer, 'Position'),
  };
}

/** YYYY-MM-DD from YYYY-MM-DD[Thh:mm...] or DD/MM/YYYY; a date that does not exist is refused. */
export function isoDate(v: string | null): string | null {
  if (v === null) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T.*)?$/.exec(v) ?? /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v);
  if (!m) throw new PackageFormatError('INVALID_FIELD', `PromulgationDate "${v}" is not a date.`);
  const [y, mo, d] = m[1].length === 4 ? [m[1], m[2], m[3]] : [m[3], m[2], m[1]];
  const iso = `${y}-${mo.padStart(2, '0')}-${d.padStart(2, '0')}`;
  const t = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(t.getTime()) || t.toISOString().slice(0, 10) !== iso)
    throw new PackageFormatError('INVALID_FIELD', `PromulgationDate "${v}" is not a date.`);
  return iso;
}

function attachmentsOf(envelope: Node): PackageAttachment[] {
  const body = node(envelope.edXMLBody);
  const lists = [
    body?.Attachment,
    node(body?.AttachmentEncoded)?.Attachment,
    node(envelope.AttachmentEncoded)?.Attachment,
  ];
  const all = lists.flatMap((l) => (Array.isArray(l) ? l : []));
  if (all.length > EDXML_LIMITS.MAX_ATTACHMENTS)
    throw new PackageFormatError('TOO_MANY_ATTACHMENTS', `More than ${EDXML_LIMITS.MAX_ATTACHMENTS} attachments.`);
  return all.map((a, i) => {
    const n = node(a);
    if (!n) throw new PackageFormatError('INVALID_FIELD', `Attachment ${i + 1} has no content.`);
    const name = text(n, 'AttachmentName') ?? text(n, 'ContentId') ?? `attachment-${i + 1}`;
    const content = n.ContentTransferEncoded ?? n.Content;
    if (typeof content !== 'string')
      throw new PackageFormatError('INVALID_BASE64', `Attachment "${name}" has no base64 content.`);
    return {
      name,
      contentType: text(n, 'ContentType'),
      description: text(n, 'Description'),
      contentId: text(n, 'ContentId'),
      bytes: strictBase64(content, name),
    };
  });
}

/**
 * RFC 4648 base64, canonical: line breaks and spaces between groups are allowed (MIME wraps at 76),
 * any other character, wrong padding or non-zero padding bits are refused, so one file has one encoding.
 */
export function strictBase64(s: string, name: string): Uint8Array {
  const compact = s.replace(/[\r\n\t ]/g, '');
  const bad = () => new PackageFormatError('INVALID_BASE64', `Attachment "${name}" is not valid base64.`);
  if (!compact.length || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) throw bad();
  const bytes = Buffer.from(compact, 'base64');
  if (bytes.toString('base64') !== compact) throw bad();
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
