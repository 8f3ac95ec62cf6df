import { badRequest, unprocessable } from '@kyso/common';
import type { AppearancePlacement } from '@kyso/pki/pades';

/** Purposes this version draws (Decree 30/2020); the others of issue 13 are refused by name. */
export const PURPOSES = ['approved', 'issued', 'copy', 'appendix'] as const;
export type Purpose = (typeof PURPOSES)[number];
const KNOWN_LATER = ['income', 'comment', 'initial'];
export const COPY_FORMS = ['SAO Y', 'SAO LỤC', 'TRÍCH SAO'] as const;

/** What the caller asked to be seen: a visible signature, or a text stamp (copy, appendix). */
export type AppearanceRequest =
  | {
      kind: 'signature';
      purpose: 'approved' | 'issued';
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
    }
  | { kind: 'stamp'; purpose: 'copy' | 'appendix'; heading: string; page?: number; margin?: number; fontSize?: number };

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
}): AppearanceRequest | undefined {
  const purpose = f.purpose;
  if (purpose !== undefined && !(PURPOSES as readonly string[]).includes(purpose))
    throw unprocessable(
      'PURPOSE_NOT_SUPPORTED',
      KNOWN_LATER.includes(purpose)
        ? `Purpose "${purpose}" is not supported in this version`
        : `purpose must be one of ${PURPOSES.join(', ')}`,
      { field: 'purpose' },
    );
  if (purpose === undefined && f.appearance === undefined) return undefined;
  const a = parseJson(f.appearance);

  if (purpose === 'copy' || purpose === 'appendix') {
    const heading = purpose === 'copy' ? copyForm(f.copyForm) : docNumber(f.docNumber);
    return {
      kind: 'stamp',
      purpose,
      heading,
      page: opt(a, 'page', 'number'),
      margin: opt(a, 'margin', 'number'),
      fontSize: opt(a, 'fontSize', 'number'),
    };
  }
  if (!f.appearance)
    throw badRequest('MISSING_FIELD', 'appearance: a visible signature needs a placement', { field: 'appearance' });
  const placement = placementOf(a);
  const lines = opt(a, 'lines', 'object') ?? [];
  if (!Array.isArray(lines) || !lines.every((l) => typeof l === 'string'))
    throw invalid('appearance.lines must be an array of strings');
  return {
    kind: 'signature',
    purpose: purpose === 'issued' ? 'issued' : 'approved',
    placement,
    image: opt(a, 'image', 'boolean') ?? true,
    leaderOfficialId: opt(a, 'leaderOfficialId', 'string'),
    lines: lines as string[],
    showName: opt(a, 'showName', 'boolean') ?? true,
    showTime: opt(a, 'showTime', 'boolean') ?? true,
    fontSize: opt(a, 'fontSize', 'number'),
  };
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
  if (position !== undefined && position !== 'over' && position !== 'below')
    throw invalid('appearance.position must be "over" or "below"');
  const offset = opt(a, 'offset', 'object');
  if (
    offset !== undefined &&
    (!Array.isArray(offset) || offset.length !== 2 || !offset.every((v) => typeof v === 'number'))
  )
    throw invalid('appearance.offset must be [dx, dy] in points');
  return {
    anchorText: anchorText!,
    page: opt(a, 'page', 'number'),
    position,
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
