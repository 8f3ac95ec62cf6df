import { badRequest, unprocessable } from '@kyso/common';
import type { AppearancePlacement, TextFieldSpec } from '@kyso/pki/pades';

/**
 * What a signature is for (Decree 30/2020; VGCA's plugin operations approve, issue, income, copy,
 * appendix, comment, and initialling): each picks its appearance and its rules (purpose-rules.ts).
 */
export const PURPOSES = ['approved', 'issued', 'income', 'copy', 'appendix', 'comment', 'initial'] as const;
export type Purpose = (typeof PURPOSES)[number];
export const COPY_FORMS = ['SAO Y', 'SAO LỤC', 'TRÍCH SAO'] as const;
/** Signing on behalf of a superior (Decree 30, Art 13): ký thay, thừa lệnh, thay mặt. */
export const CAPACITIES = ['KT.', 'TL.', 'TM.'] as const;
/** The form fields the issuing step fills (and the approving step may reserve). */
export const ISSUANCE_FIELDS = { docNumber: 'docNumber', issuedDate: 'issuedDate' } as const;
const DEFAULT_ISSUANCE_PLACEMENTS: Record<keyof typeof ISSUANCE_FIELDS, AppearancePlacement> = {
  // 18 points high: room for 13-point text, the size of the template's own heading lines.
  docNumber: { anchorText: 'Số:', position: 'after', width: 150, height: 18, offset: [3, 0] },
  issuedDate: { anchorText: 'ngày', position: 'start', width: 200, height: 18 },
};
const MAX_NOTE = 400;

/** What the caller asked to be seen: a visible signature, or a text stamp (income, copy, appendix). */
export type AppearanceRequest =
  | {
      kind: 'signature';
      purpose: 'approved' | 'issued' | 'comment' | 'initial';
      placement: AppearancePlacement;
      /** Draw the official's signature image (approved), or the leader's under the seal (issued). */
      image: boolean;
      /** For issued: whose signature image lies under the seal. */
      leaderOfficialId?: string;
      /** Lines before the name (e.g. "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"). */
      lines: string[];
      /** The signer's name (approved) or the agency's (issued). */
      showName: boolean;
      showTime: boolean;
      fontSize?: number;
      /** Signing on behalf of a superior: "KT. CHỦ TỊCH", shown first and kept as the signature's reason. */
      capacity?: string;
      /** comment: the official's note, shown above their name. */
      note?: string;
      /** approved: empty fields reserved for the clerk's number and date (issued fills them). */
      reserve?: TextFieldSpec[];
      /** issued: the number and symbol, and the date of issue, written into those fields. */
      issuance?: { docNumber: string; issuedDate: string };
    }
  | {
      kind: 'stamp';
      purpose: 'copy' | 'appendix' | 'income';
      /** The copy form, the document number, or the incoming number (số đến). */
      heading: string;
      /** Under this text rather than in the page's corner (e.g. the "ĐẾN" stamp under "Số:"). */
      anchorText?: string;
      page?: number;
      margin?: number;
      fontSize?: number;
    };

const invalid = (detail: string) =>
  unprocessable('APPEARANCE_INVALID', detail, {
    field: 'appearance',
    message: detail,
    messageVi: 'Thông số hiển thị chữ ký không hợp lệ',
  });

/**
 * Reads `purpose`, `copyForm`, `docNumber` and the `appearance` JSON. Shapes are checked here;
 * numbers and text against the document later (libs/pki: page, anchor, font coverage).
 */
export function parseAppearanceRequest(f: {
  appearance?: string;
  purpose?: string;
  copyForm?: string;
  docNumber?: string;
  issuedDate?: string;
  incomingNumber?: string;
  capacity?: string;
}): AppearanceRequest | undefined {
  const purpose = f.purpose;
  if (purpose !== undefined && !(PURPOSES as readonly string[]).includes(purpose))
    throw unprocessable('PURPOSE_NOT_SUPPORTED', `purpose must be one of ${PURPOSES.join(', ')}`, {
      field: 'purpose',
    });
  if (purpose === undefined && f.appearance === undefined) {
    if (f.capacity !== undefined)
      throw badRequest('MISSING_FIELD', 'capacity is shown in a visible signature: send purpose or appearance', {
        field: 'appearance',
      });
    return undefined;
  }
  const a = parseJson(f.appearance);

  if (purpose === 'copy' || purpose === 'appendix' || purpose === 'income') {
    if (f.capacity !== undefined) capacity(f.capacity, purpose);
    const heading =
      purpose === 'copy'
        ? copyForm(f.copyForm)
        : purpose === 'income'
          ? incomingNumber(f.incomingNumber)
          : docNumber(f.docNumber);
    return {
      kind: 'stamp',
      purpose,
      heading,
      ...(a.anchorText !== undefined && { anchorText: opt(a, 'anchorText', 'string') }),
      page: opt(a, 'page', 'number'),
      margin: opt(a, 'margin', 'number'),
      fontSize: opt(a, 'fontSize', 'number'),
    };
  }
  if (!f.appearance)
    throw badRequest('MISSING_FIELD', 'appearance: a visible signature needs a placement', { field: 'appearance' });
  const kind = (purpose ?? 'approved') as 'approved' | 'issued' | 'comment' | 'initial';
  const placement = placementOf(a);
  // Initials are small: an anchored box defaults to 70 x 36 points rather than a signature's size.
  if (kind === 'initial' && 'anchorText' in placement) {
    placement.width ??= 70;
    placement.height ??= 36;
  }
  const lines = opt(a, 'lines', 'object') ?? [];
  if (!Array.isArray(lines) || !lines.every((l) => typeof l === 'string'))
    throw invalid('appearance.lines must be an array of strings');
  const note = opt(a, 'note', 'string');
  if (kind === 'comment' && !note?.trim()) throw invalid('appearance.note: a comment needs its text');
  if (note !== undefined && (kind !== 'comment' || note.length > MAX_NOTE))
    throw invalid(`appearance.note is the text of a comment, at most ${MAX_NOTE} characters`);
  const leaderOfficialId = opt(a, 'leaderOfficialId', 'string');
  if (kind === 'issued' && !leaderOfficialId)
    throw badRequest('MISSING_FIELD', 'appearance.leaderOfficialId: the official whose signature is issued', {
      field: 'appearance',
    });
  return {
    kind: 'signature',
    purpose: kind,
    placement,
    // Initials are text (the official's initials) unless the caller asks for the small image.
    image: opt(a, 'image', 'boolean') ?? kind !== 'initial',
    leaderOfficialId,
    lines: lines as string[],
    showName: opt(a, 'showName', 'boolean') ?? true,
    showTime: opt(a, 'showTime', 'boolean') ?? true,
    fontSize: opt(a, 'fontSize', 'number'),
    ...(f.capacity !== undefined && { capacity: capacity(f.capacity, kind) }),
    ...(note !== undefined && { note: note.normalize('NFC').trim() }),
    ...(kind === 'approved' && a.issuanceFields !== undefined && { reserve: issuanceFields(a.issuanceFields) }),
    ...(kind === 'issued' && {
      issuance: { docNumber: docNumber(f.docNumber), issuedDate: issuedDate(f.issuedDate) },
    }),
  };
}

/** `true` (the default anchors "Số:" and "ngày") or a placement per field. */
function issuanceFields(v: unknown): TextFieldSpec[] {
  if (v === false) return [];
  const given = v === true ? {} : v;
  if (typeof given !== 'object' || given === null || Array.isArray(given))
    throw invalid('appearance.issuanceFields must be true or {"docNumber": placement, "issuedDate": placement}');
  const g = given as Record<string, unknown>;
  for (const k of Object.keys(g))
    if (!(k in ISSUANCE_FIELDS)) throw invalid(`appearance.issuanceFields.${k} is not a field the clerk fills`);
  return (Object.keys(ISSUANCE_FIELDS) as (keyof typeof ISSUANCE_FIELDS)[]).map((k) => {
    const p = g[k];
    if (p === undefined) return { name: ISSUANCE_FIELDS[k], placement: DEFAULT_ISSUANCE_PLACEMENTS[k] };
    if (typeof p !== 'object' || p === null || Array.isArray(p))
      throw invalid(`appearance.issuanceFields.${k} must be a placement`);
    return { name: ISSUANCE_FIELDS[k], placement: placementOf(p as Record<string, unknown>) };
  });
}

function parseJson(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw invalid('appearance is not JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid('appearance must be a JSON object');
  return v as Record<string, unknown>;
}

function opt<T extends 'number' | 'string' | 'boolean' | 'object'>(
  a: Record<string, unknown>,
  key: string,
  type: T,
): (T extends 'number' ? number : T extends 'string' ? string : T extends 'boolean' ? boolean : unknown) | undefined {
  const v = a[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== type) throw invalid(`appearance.${key} must be a ${type === 'object' ? 'list' : type}`);
  return v as never;
}

function placementOf(a: Record<string, unknown>): AppearancePlacement {
  const rect = opt(a, 'rect', 'object');
  const anchorText = opt(a, 'anchorText', 'string');
  if ((rect === undefined) === (anchorText === undefined))
    throw invalid('appearance needs either rect [x, y, width, height] or anchorText');
  if (rect !== undefined) {
    if (!Array.isArray(rect) || rect.length !== 4 || !rect.every((v) => typeof v === 'number'))
      throw invalid('appearance.rect must be [x, y, width, height] in points');
    return { page: opt(a, 'page', 'number') ?? 1, rect: rect as [number, number, number, number] };
  }
  const position = opt(a, 'position', 'string');
  if (position !== undefined && !['over', 'below', 'after', 'start'].includes(position))
    throw invalid('appearance.position must be "over", "below", "after" or "start"');
  const offset = opt(a, 'offset', 'object');
  if (
    offset !== undefined &&
    (!Array.isArray(offset) || offset.length !== 2 || !offset.every((v) => typeof v === 'number'))
  )
    throw invalid('appearance.offset must be [dx, dy] in points');
  return {
    anchorText: anchorText!,
    page: opt(a, 'page', 'number'),
    position: position as 'over' | 'below' | 'after' | 'start' | undefined,
    width: opt(a, 'width', 'number'),
    height: opt(a, 'height', 'number'),
    offset: offset as [number, number] | undefined,
  };
}

function copyForm(v: string | undefined): string {
  if (v === undefined)
    throw badRequest('MISSING_FIELD', 'copyForm: SAO Y, SAO LỤC or TRÍCH SAO', { field: 'copyForm' });
  const form = v.normalize('NFC').trim().toUpperCase();
  if (!(COPY_FORMS as readonly string[]).includes(form))
    throw unprocessable('COPY_FORM_INVALID', `copyForm must be one of ${COPY_FORMS.join(', ')}`, { field: 'copyForm' });
  return form;
}

function docNumber(v: string | undefined): string {
  if (v === undefined)
    throw badRequest('MISSING_FIELD', 'docNumber: the number and symbol of the document (e.g. 123/QĐ-UBND)', {
      field: 'docNumber',
    });
  const n = v.normalize('NFC').trim();
  if (!/^[\p{L}\p{N}][\p{L}\p{N}/.\-_ ]{0,99}$/u.test(n))
    throw unprocessable('DOC_NUMBER_INVALID', 'docNumber must be a document number and symbol such as 123/QĐ-UBND', {
      field: 'docNumber',
    });
  return n;
}

function incomingNumber(v: string | undefined): string {
  if (v === undefined)
    throw badRequest('MISSING_FIELD', 'incomingNumber: the number in the register of incoming documents (số đến)', {
      field: 'incomingNumber',
    });
  const n = v.normalize('NFC').trim();
  if (!/^[\p{L}\p{N}][\p{L}\p{N}/.\-_ ]{0,39}$/u.test(n))
    throw unprocessable('INCOMING_NUMBER_INVALID', 'incomingNumber must be a register number such as 125', {
      field: 'incomingNumber',
    });
  return n;
}

/** A calendar date YYYY-MM-DD (the day the document is issued, in Vietnam). */
function issuedDate(v: string | undefined): string {
  if (v === undefined)
    throw badRequest('MISSING_FIELD', 'issuedDate: the date of issue, YYYY-MM-DD', { field: 'issuedDate' });
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v.trim());
  const d = m && new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (!m || !d || d.getUTCDate() !== Number(m[3]) || d.getUTCMonth() !== Number(m[2]) - 1)
    throw unprocessable('ISSUED_DATE_INVALID', 'issuedDate must be a date YYYY-MM-DD', { field: 'issuedDate' });
  return v.trim();
}

/** "KT. CHỦ TỊCH", "TL. GIÁM ĐỐC", "TM. ỦY BAN NHÂN DÂN": the capacity and the superior's title or body. */
function capacity(v: string, purpose: string): string {
  const c = v.normalize('NFC').trim().replace(/\s+/g, ' ');
  if (!['approved', 'comment', 'initial'].includes(purpose))
    throw unprocessable('CAPACITY_NOT_ALLOWED', 'capacity is an official’s, not the organisation’s', {
      field: 'capacity',
    });
  if (!CAPACITIES.some((k) => c.toUpperCase().startsWith(`${k} `)) || c.length > 120 || /[\p{Cc}\p{Cf}]/u.test(c))
    throw unprocessable(
      'CAPACITY_INVALID',
      'capacity must be KT., TL. or TM. followed by the superior (KT. CHỦ TỊCH)',
      {
        field: 'capacity',
      },
    );
  return c.slice(0, 3).toUpperCase() + c.slice(3);
}
