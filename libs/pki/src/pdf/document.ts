import { decryptValue, StandardSecurityHandler, streamNotEncrypted } from './encryption';
import { decodeStream } from './filters';
import { malformed, PDF_LIMITS, PdfFormatError } from './errors';
import { asBuffer, readUInt } from './lexer';
import { PdfDict, PdfObject, PdfRef, PdfStream, PdfString } from './objects';
import { PdfParser } from './parser';
import { decodeTextString } from './text';
import { mergeSections, readXrefChain, XrefChain, XrefEntry, XrefSection } from './xref';

export interface FormField {
  /** The field's own object, null for a field written directly in its parent's array (invalid but seen). */
  ref: PdfRef | null;
  /** Fully qualified name (partial names joined with '.'), null when no /T. */
  name: string | null;
  /** /FT, inherited from ancestors. */
  fieldType: string | null;
  dict: PdfDict;
}

/** A stream whose data is decrypted when first read. */
class DecryptedStream extends PdfStream {
  private plain: Uint8Array | null = null;
  constructor(
    s: PdfStream,
    dict: PdfDict,
    private readonly decrypt: (data: Uint8Array) => Uint8Array,
  ) {
    super(dict, s.source, s.dataStart, s.dataEnd);
  }
  override get raw(): Uint8Array {
    return (this.plain ??= this.decrypt(this.source.subarray(this.dataStart, this.dataEnd)));
  }
}

function decrypted(h: StandardSecurityHandler, num: number, gen: number, value: PdfObject): PdfObject {
  if (!(value instanceof PdfStream)) return decryptValue(h, num, gen, value);
  const dict = decryptValue(h, num, gen, value.dict) as PdfDict;
  if (streamNotEncrypted(value.dict, h)) return new PdfStream(dict, value.source, value.dataStart, value.dataEnd);
  return new DecryptedStream(value, dict, (data) => h.decryptStream(num, gen, data));
}

/**
 * Where %PDF- starts: whether the bytes are a PDF at all, damaged or not. Throws PdfFormatError
 * EMPTY_FILE or NOT_A_PDF (no header in the first PDF_LIMITS.headerWindow bytes).
 */
export function pdfHeaderPosition(bytes: Uint8Array): number {
  if (!(bytes instanceof Uint8Array)) throw new PdfFormatError('NOT_A_PDF', 'input is not a byte array');
  if (bytes.length === 0) throw new PdfFormatError('EMPTY_FILE', 'the file is empty');
  const headerPos = asBuffer(bytes).subarray(0, PDF_LIMITS.headerWindow).indexOf('%PDF-', 0, 'latin1');
  if (headerPos < 0)
    throw new PdfFormatError('NOT_A_PDF', `no %PDF- header in the first ${PDF_LIMITS.headerWindow} bytes`);
  return headerPos;
}

interface ObjectStream {
  data: Uint8Array;
  /** object number -> offset of its value in data */
  offsets: Map<number, number>;
}

/**
 * A lazily read PDF: the cross-reference chain is read on open, objects are parsed when asked for
 * and cached. The bytes are never copied.
 */
export class PdfDocument {
  private readonly cache = new Map<number, PdfObject>();
  private readonly objectStreams = new Map<number, ObjectStream>();
  private readonly resolving = new Set<number>();

  private constructor(
    readonly bytes: Uint8Array,
    readonly chain: XrefChain,
    readonly entries: Map<number, XrefEntry>,
    /** The standard security handler of an encrypted file (opened with the empty user password). */
    readonly encryption: StandardSecurityHandler | null = null,
    /** The encryption dictionary's own object, never encrypted. */
    private readonly encryptNum = -1,
    /**
     * Parsed objects by where they lie in the file, shared by the views of one file (asOf): an
     * object read at the same place is the same object in every revision that uses it.
     */
    private readonly shared = new Map<string, PdfObject>(),
  ) {}

  /**
   * Reads the header and cross-reference chain. An encrypted file is read through the standard
   * security handler when the empty user password opens it; otherwise PdfFormatError ENCRYPTED_PDF.
   */
  static open(bytes: Uint8Array): PdfDocument {
    const headerPos = pdfHeaderPosition(bytes);
    const chain = readXrefChain(bytes, headerPos);
    const entries = mergeSections(chain.sections);
    const trailer = chain.sections.find((s) => s.trailer.has('Encrypt'))?.trailer;
    if (!trailer) return new PdfDocument(bytes, chain, entries);
    const encrypt = trailer.get('Encrypt');
    const dict = new PdfDocument(bytes, chain, entries).resolveDict(encrypt);
    const id = trailer.get('ID') ?? chain.sections[0].trailer.get('ID');
    const firstId = Array.isArray(id) && id[0] instanceof PdfString ? id[0].bytes : new Uint8Array();
    if (!dict) throw new PdfFormatError('ENCRYPTED_PDF', 'the encryption dictionary cannot be read');
    const handler = StandardSecurityHandler.open(dict, firstId);
    return new PdfDocument(bytes, chain, entries, handler, encrypt instanceof PdfRef ? encrypt.num : -1);
  }

  /**
   * A view of a file whose cross-reference data cannot be read, as repairing readers build it:
   * every `N G obj` header found in the bytes, the last definition of a number winning. No
   * trailer, hence no catalog; objects in object streams are not found. For reporting on damaged
   * files only, never for judging what a signature covers.
   */
  static recovered(bytes: Uint8Array): PdfDocument {
    const entries = new Map<number, XrefEntry>();
    const text = asBuffer(bytes).toString('latin1');
    const header = /(?<![0-9])(\d{1,7})[ \t\r\n\f\0]+(\d{1,5})[ \t\r\n\f\0]+obj(?![A-Za-z0-9])/g;
    for (let m = header.exec(text); m && entries.size < PDF_LIMITS.maxTreeNodes; m = header.exec(text)) {
      const num = Number(m[1]);
      if (num > 0 && num <= PDF_LIMITS.maxObjectNumber)
        entries.set(num, { type: 'offset', offset: m.index, gen: Number(m[2]) });
    }
    const section: XrefSection = { offset: 0, kind: 'table', trailer: new PdfDict(), entries };
    return new PdfDocument(bytes, { sections: [section], startxref: 0, shift: 0 }, entries);
  }

  /** The newest trailer. */
  get trailer(): PdfDict {
    return this.chain.sections[0].trailer;
  }

  /** The document as a reader saw it when only these (older) sections existed. */
  asOf(sections: readonly XrefSection[]): PdfDocument {
    return new PdfDocument(
      this.bytes,
      { ...this.chain, sections: [...sections] },
      mergeSections(sections),
      this.encryption,
      this.encryptNum,
      this.shared,
    );
  }

  /** The object with this number in this view, null when free or absent (7.3.10). */
  getObject(num: number): PdfObject {
    const cached = this.cache.get(num);
    if (cached !== undefined) return cached;
    const entry = this.entries.get(num);
    if (!entry || entry.type === 'free') return null;
    if (this.resolving.has(num)) throw malformed(`object ${num} refers to itself while being read`);
    if (this.resolving.size >= PDF_LIMITS.maxReferenceChain) throw malformed('indirect objects nested too deeply');
    const streamEntry = entry.type === 'compressed' ? this.entries.get(entry.stream) : undefined;
    const place =
      entry.type === 'offset'
        ? `${num} ${entry.gen} @${entry.offset}`
        : streamEntry?.type === 'offset'
          ? `${num} in ${entry.stream} @${streamEntry.offset}`
          : null;
    const known = place === null ? undefined : this.shared.get(place);
    if (known !== undefined) {
      this.cache.set(num, known);
      return known;
    }
    this.resolving.add(num);
    try {
      let value = entry.type === 'offset' ? this.readAt(num, entry.offset) : this.readCompressed(num, entry.stream);
      // Objects inside an object stream are not encrypted on their own: the object stream is.
      if (this.encryption && entry.type === 'offset' && num !== this.encryptNum)
        value = decrypted(this.encryption, num, entry.gen, value);
      this.cache.set(num, value);
      // A stream whose /Length is another object may read differently in another view.
      if (place !== null && !(value instanceof PdfStream && value.dict.get('Length') instanceof PdfRef))
        this.shared.set(place, value);
      return value;
    } finally {
      this.resolving.delete(num);
    }
  }

  /** Follows references until a direct value. */
  resolve(o: PdfObject | undefined): PdfObject {
    for (let i = 0; o instanceof PdfRef; i++) {
      if (i >= PDF_LIMITS.maxReferenceChain) throw malformed('reference chain too long');
      o = this.getObject(o.num);
    }
    return o === undefined ? null : o;
  }

  resolveDict(o: PdfObject | undefined): PdfDict | null {
    const v = this.resolve(o);
    return v instanceof PdfDict ? v : null;
  }

  /** Decoded stream data (FlateDecode only). */
  decode(stream: PdfStream): Uint8Array {
    return decodeStream(stream, (o) => this.resolve(o));
  }

  private readAt(num: number, offset: number): PdfObject {
    if (offset < 0 || offset >= this.bytes.length)
      throw malformed(`object ${num} offset ${offset} is outside the file`);
    const parser = new PdfParser(this.bytes, offset, {
      filePositions: true,
      resolveLength: (ref) => {
        const v = this.getObject(ref.num);
        return typeof v === 'number' ? v : null;
      },
    });
    return parser.parseIndirectObject(num).value;
  }

  private readCompressed(num: number, streamNum: number): PdfObject {
    const os = this.objectStream(streamNum);
    const at = os.offsets.get(num);
    if (at === undefined) throw malformed(`object ${num} is not in object stream ${streamNum}`);
    const value = new PdfParser(os.data, at).parseValue(0);
    if (value instanceof PdfStream) throw malformed(`stream inside object stream ${streamNum}`);
    return value;
  }

  private objectStream(streamNum: number): ObjectStream {
    let os = this.objectStreams.get(streamNum);
    if (os) return os;
    const entry = this.entries.get(streamNum);
    if (!entry || entry.type !== 'offset') throw malformed(`object stream ${streamNum} is not a plain object`);
    const stream = this.getObject(streamNum);
    if (!(stream instanceof PdfStream) || stream.dict.name('Type') !== 'ObjStm')
      throw malformed(`object ${streamNum} is not an object stream`);
    const n = stream.dict.get('N');
    const first = stream.dict.get('First');
    if (
      typeof n !== 'number' ||
      typeof first !== 'number' ||
      !Number.isInteger(n) ||
      !Number.isInteger(first) ||
      n < 0 ||
      first < 0
    ) {
      throw malformed(`object stream ${streamNum} has a bad /N or /First`);
    }
    if (n > PDF_LIMITS.maxObjectsInObjectStream) throw malformed(`object stream ${streamNum} holds too many objects`);
    const data = this.decode(stream);
    const offsets = new Map<number, number>();
    let p = 0;
    for (let i = 0; i < n; i++) {
      const objNum = readUInt(data, p);
      const off = objNum && readUInt(data, objNum.end);
      if (!objNum || !off || first + off.value >= data.length)
        throw malformed(`object stream ${streamNum} has a bad header`);
      if (!offsets.has(objNum.value)) offsets.set(objNum.value, first + off.value);
      p = off.end;
    }
    os = { data, offsets };
    this.objectStreams.set(streamNum, os);
    return os;
  }

  /** The document catalog (trailer /Root). */
  catalog(): { ref: PdfRef; dict: PdfDict } {
    const root = this.trailer.get('Root');
    const dict = root instanceof PdfRef ? this.resolveDict(root) : null;
    if (!(root instanceof PdfRef) || !dict) throw malformed('the trailer has no /Root catalog dictionary');
    return { ref: root, dict };
  }

  /** The first page, walking /Pages /Kids. */
  firstPage(): { ref: PdfRef; dict: PdfDict } {
    let node: PdfObject | undefined = this.catalog().dict.get('Pages');
    const seen = new Set<number>();
    for (let depth = 0; depth < PDF_LIMITS.maxTreeDepth; depth++) {
      if (!(node instanceof PdfRef) || seen.has(node.num)) break;
      seen.add(node.num);
      const dict = this.resolveDict(node);
      if (!dict) break;
      const kids = this.resolve(dict.get('Kids'));
      const type = dict.name('Type');
      if (type === 'Page' || (type !== 'Pages' && !Array.isArray(kids))) return { ref: node, dict };
      if (!Array.isArray(kids) || kids.length === 0) break;
      node = kids[0];
    }
    throw malformed('the document has no first page');
  }

  /** Terminal form fields of /AcroForm /Fields, with inherited /FT and qualified names. */
  fields(): FormField[] {
    const acroForm = this.resolveDict(this.catalog().dict.get('AcroForm'));
    const roots = acroForm ? this.resolve(acroForm.get('Fields')) : null;
    const out: FormField[] = [];
    if (!Array.isArray(roots)) return out;
    const seen = new Set<number>();
    let visited = 0;
    const visit = (o: PdfObject, parentName: string | null, parentType: string | null, depth: number): void => {
      if (depth > PDF_LIMITS.maxTreeDepth || ++visited > PDF_LIMITS.maxTreeNodes)
        throw malformed('form field tree too large or too deep');
      if (o instanceof PdfRef) {
        if (seen.has(o.num)) return;
        seen.add(o.num);
      }
      const dict = this.resolveDict(o);
      if (!dict) return;
      const t = dict.get('T');
      const partial = t instanceof PdfString ? decodeTextString(t.bytes) : null;
      const name = partial === null ? parentName : parentName === null ? partial : `${parentName}.${partial}`;
      const fieldType = dict.name('FT') ?? parentType;
      const kids = this.resolve(dict.get('Kids'));
      const fieldKids = Array.isArray(kids) ? kids.filter((k) => this.resolveDict(k)?.has('T')) : [];
      if (fieldKids.length === 0) out.push({ ref: o instanceof PdfRef ? o : null, name, fieldType, dict });
      else for (const k of fieldKids) visit(k, name, fieldType, depth + 1);
    };
    for (const r of roots) visit(r, null, null, 0);
    return out;
  }

  /** The page dictionaries of the page tree, in order (bounded, loops ignored). */
  pages(): { ref: PdfRef; dict: PdfDict }[] {
    const out: { ref: PdfRef; dict: PdfDict }[] = [];
    const seen = new Set<number>();
    const visit = (o: PdfObject | undefined, depth: number): void => {
      if (!(o instanceof PdfRef) || seen.has(o.num) || depth > PDF_LIMITS.maxTreeDepth) return;
      if (seen.size >= PDF_LIMITS.maxTreeNodes) throw malformed('page tree too large');
      seen.add(o.num);
      const dict = this.resolveDict(o);
      const kids = dict && this.resolve(dict.get('Kids'));
      if (Array.isArray(kids)) for (const k of kids) visit(k, depth + 1);
      else if (dict) out.push({ ref: o, dict });
    };
    visit(this.catalog().dict.get('Pages'), 0);
    return out;
  }

  /** /FT of a field or widget, inherited through /Parent. */
  fieldTypeOf(dict: PdfDict): string | null {
    let d: PdfDict | null = dict;
    for (let i = 0; d && i < PDF_LIMITS.maxTreeDepth; i++) {
      const ft = d.name('FT');
      if (ft) return ft;
      d = d.get('Parent') instanceof PdfRef ? this.resolveDict(d.get('Parent')) : null;
    }
    return null;
  }

  /** Fully qualified field name of a field or widget, through /Parent; null without any /T. */
  fieldNameOf(dict: PdfDict): string | null {
    const parts: string[] = [];
    let d: PdfDict | null = dict;
    for (let i = 0; d && i < PDF_LIMITS.maxTreeDepth; i++) {
      const t = d.get('T');
      if (t instanceof PdfString) parts.unshift(decodeTextString(t.bytes));
      d = d.get('Parent') instanceof PdfRef ? this.resolveDict(d.get('Parent')) : null;
    }
    return parts.length > 0 ? parts.join('.') : null;
  }

  /**
   * Signature fields of /AcroForm /Fields and, as poppler's pdfsig writes them, widgets found only
   * in a page's /Annots (the field holding /V is the widget or its /Parent).
   */
  signatureFields(): FormField[] {
    const out = this.fields().filter((f) => f.fieldType === 'Sig');
    const known = new Set(out.flatMap((f) => (f.ref ? [f.ref.num] : [])));
    for (const page of this.pages()) {
      const annots = this.resolve(page.dict.get('Annots'));
      if (!Array.isArray(annots)) continue;
      for (const a of annots) {
        let ref = a instanceof PdfRef ? a : null;
        let dict = this.resolveDict(a);
        if (!dict || dict.name('Subtype') !== 'Widget' || this.fieldTypeOf(dict) !== 'Sig') continue;
        if (!dict.has('V') && dict.get('Parent') instanceof PdfRef) {
          ref = dict.get('Parent') as PdfRef;
          dict = this.resolveDict(ref);
        }
        if (!dict || (ref && known.has(ref.num))) continue;
        if (ref) known.add(ref.num);
        out.push({ ref, name: this.fieldNameOf(dict), fieldType: 'Sig', dict });
      }
    }
    return out;
  }
}
