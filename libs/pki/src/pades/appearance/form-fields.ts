import { PdfDocument } from '../../pdf/document';
import { UpdateObject } from '../../pdf/incremental';
import { FormChanges } from '../../pdf/prepare';
import { PdfDict, PdfName, PdfRef, pdfDict } from '../../pdf/objects';
import { serializeValue } from '../../pdf/serialize';
import { encodeTextString } from '../../pdf/text';
import { AppearancePlacement, checkLines, n, place } from './appearance';
import { AppearanceError } from './errors';
import { SubsetFont } from './font';
import { streamObject } from './pdf-objects';

/** A text field to reserve: its name and where it goes (a rectangle, or an anchor of the template). */
export interface TextFieldSpec {
  name: string;
  placement: AppearancePlacement;
}

/**
 * The empty text fields an approving signature reserves for the clerk (document number, date of
 * issue), placed now so that the approver's signature covers where they are; names the document
 * already has are skipped (the template made them).
 */
export function reserveTextFields(pdf: Uint8Array, specs: TextFieldSpec[]): FormChanges {
  const doc = PdfDocument.open(pdf);
  const taken = new Set(doc.fields().map((f) => f.name));
  const newTextFields = specs
    .filter((s) => !taken.has(s.name))
    .map((s) => {
      const { pageIndex, box } = place(doc, s.placement);
      return {
        name: s.name,
        pageIndex,
        rect: [box.x, box.y, box.x + box.width, box.y + box.height] as [number, number, number, number],
      };
    });
  return { newTextFields };
}

/** The names of the document's text fields that hold no value yet. */
export function emptyTextFields(pdf: Uint8Array): string[] {
  const doc = PdfDocument.open(pdf);
  return doc
    .fields()
    .filter((f) => f.fieldType === 'Tx' && f.name !== null && !f.dict.has('V'))
    .map((f) => f.name!);
}

/**
 * Fills existing empty text fields with their values and draws them (black serif text on white,
 * over the template's placeholder): each field gains /V and each widget a new /AP, nothing else.
 * A field that is missing, not a text field, or already filled is refused: a filled value is
 * never replaced (a signed value would be).
 */
export async function fillTextFields(pdf: Uint8Array, values: { name: string; value: string }[]): Promise<FormChanges> {
  const doc = PdfDocument.open(pdf);
  const fills: NonNullable<FormChanges['fills']> = [];
  for (const { name, value } of values) {
    const [text] = checkLines([value]);
    if (!text) throw new AppearanceError('APPEARANCE_INVALID', `the value of field "${name}" is empty`);
    const field = doc.fields().find((f) => f.name === name);
    if (!field || !field.ref)
      throw new AppearanceError('FORM_FIELD_NOT_FOUND', `the document has no form field "${name}"`);
    if (field.fieldType !== 'Tx')
      throw new AppearanceError('FORM_FIELD_NOT_FOUND', `the form field "${name}" is not a text field`);
    if (field.dict.has('V'))
      throw new AppearanceError('FORM_FIELD_FILLED', `the form field "${name}" already holds a value`);
    const widgets = widgetsOf(doc, field.ref, field.dict);
    const drawn = await Promise.all(widgets.map(async (w) => ({ ...w, ap: await fieldAppearance(w.dict, text) })));
    const fieldRef = field.ref;
    fills.push({
      emit(alloc: () => PdfRef): UpdateObject[] {
        const out: UpdateObject[] = [];
        let fieldDict = field.dict.clone().set('V', encodeTextString(text));
        for (const w of drawn) {
          const ap = w.ap(alloc, out);
          if (w.ref.num === fieldRef.num) fieldDict = fieldDict.set('AP', pdfDict({ N: ap }));
          else
            out.push({
              num: w.ref.num,
              gen: w.ref.gen,
              body: serializeValue(w.dict.clone().set('AP', pdfDict({ N: ap }))),
            });
        }
        out.unshift({ num: fieldRef.num, gen: fieldRef.gen, body: serializeValue(fieldDict) });
        return out;
      },
    });
  }
  return { fills };
}

/** The field's widgets: itself when merged (it has /Rect), else its /Kids. */
function widgetsOf(doc: PdfDocument, ref: PdfRef, dict: PdfDict): { ref: PdfRef; dict: PdfDict }[] {
  if (dict.has('Rect')) return [{ ref, dict }];
  const kids = doc.resolve(dict.get('Kids'));
  const out = (Array.isArray(kids) ? kids : [])
    .filter((k): k is PdfRef => k instanceof PdfRef)
    .map((k) => ({ ref: k, dict: doc.resolveDict(k) }))
    .filter((w): w is { ref: PdfRef; dict: PdfDict } => !!w.dict?.has('Rect'));
  if (!out.length) throw new AppearanceError('FORM_FIELD_NOT_FOUND', 'the form field has no widget on a page');
  return out;
}

/** One line of text, as large as fits (at most 13 pt, the body text of Decree 30), on white. */
async function fieldAppearance(widget: PdfDict, text: string) {
  const rect = widget.get('Rect');
  const r = Array.isArray(rect) && rect.every((v) => typeof v === 'number') ? (rect as number[]) : [0, 0, 0, 0];
  const [w, h] = [Math.abs(r[2] - r[0]), Math.abs(r[3] - r[1])];
  if (w < 8 || h < 6) throw new AppearanceError('APPEARANCE_INVALID', 'the form field is too small to write in');
  const font = await SubsetFont.load();
  const size = Math.max(4, Math.min(13, h * 0.75, (w - 4) / Math.max(1e-6, font.widthOf(text, 1))));
  const shown = font.show(text);
  await font.freeze();
  const content = `1 g 0 0 ${n(w)} ${n(h)} re f\nBT /F1 ${n(size)} Tf 0 g 2 ${n((h - size * 0.7) / 2)} Td ${shown} Tj ET`;
  return (alloc: () => PdfRef, out: UpdateObject[]): PdfRef => {
    const ap = alloc();
    const f = font.emit(alloc);
    out.push(
      streamObject(
        ap,
        pdfDict({
          Type: new PdfName('XObject'),
          Subtype: new PdfName('Form'),
          BBox: [0, 0, w, h],
          Resources: pdfDict({ Font: pdfDict({ F1: f.font }) }),
        }),
        Buffer.from(content, 'latin1'),
      ),
      ...f.objects,
    );
    return ap;
  };
}
