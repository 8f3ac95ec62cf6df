/** The PDF object model (ISO 32000-1, 7.3), kept close to the bytes it was read from. */

export class PdfName {
  /** Decoded name (after #xx escapes), one char per byte (latin1). */
  constructor(readonly value: string) {}
}

export class PdfRef {
  constructor(
    readonly num: number,
    readonly gen: number,
  ) {}
  toString(): string {
    return `${this.num} ${this.gen} R`;
  }
}

export class PdfString {
  /**
   * start/end: file offsets of the token (delimiters included) when it was read from the file itself,
   * -1 when it comes from an object stream or was built in memory.
   */
  constructor(
    readonly bytes: Uint8Array,
    readonly hex: boolean,
    readonly start = -1,
    readonly end = -1,
  ) {}
}

export class PdfDict {
  constructor(readonly map: Map<string, PdfObject> = new Map()) {}
  get(key: string): PdfObject | undefined {
    return this.map.get(key);
  }
  has(key: string): boolean {
    return this.map.has(key);
  }
  /** The name value of a key, or null when absent or not a name. */
  name(key: string): string | null {
    const v = this.map.get(key);
    return v instanceof PdfName ? v.value : null;
  }
  /** A shallow copy, to modify for an incremental update. */
  clone(): PdfDict {
    return new PdfDict(new Map(this.map));
  }
  set(key: string, value: PdfObject): this {
    this.map.set(key, value);
    return this;
  }
}

export class PdfStream {
  /** The raw (still encoded) data is source[dataStart, dataEnd): a view, never a copy. */
  constructor(
    readonly dict: PdfDict,
    readonly source: Uint8Array,
    readonly dataStart: number,
    readonly dataEnd: number,
  ) {}
  get raw(): Uint8Array {
    return this.source.subarray(this.dataStart, this.dataEnd);
  }
}

export type PdfObject = null | boolean | number | PdfName | PdfString | PdfRef | PdfDict | PdfStream | PdfObject[];

/** A dictionary from a dictionary or a stream's dictionary. */
export function dictOf(o: PdfObject | undefined): PdfDict | null {
  if (o instanceof PdfDict) return o;
  if (o instanceof PdfStream) return o.dict;
  return null;
}

export function pdfDict(entries: Record<string, PdfObject>): PdfDict {
  return new PdfDict(new Map(Object.entries(entries)));
}
