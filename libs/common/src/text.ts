import { badRequest } from './problem';

/**
 * Characters no text field of the API needs and that hurt when stored: NUL (PostgreSQL refuses it
 * in text, a 500), other C0/C1 controls but tab and line breaks, zero-width characters (two names
 * that look alike but differ) and bidi controls (text that displays otherwise than it reads).
 */
export const FORBIDDEN_TEXT =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\u061c\ufeff]/u;

/**
 * The text fields of a multipart form (names and values, as multer gives them) free of forbidden
 * characters, as the gateway checks JSON: 400 INVALID_TEXT naming the field, never the value.
 */
export function requireCleanFormText(fields: Record<string, unknown> | undefined): void {
  for (const [name, value] of Object.entries(fields ?? {})) {
    const values = Array.isArray(value) ? value : [value];
    if (FORBIDDEN_TEXT.test(name) || values.some((v) => typeof v === 'string' && FORBIDDEN_TEXT.test(v)))
      throw badRequest(
        'INVALID_TEXT',
        `${name.slice(0, 100)} contains a control, zero-width or bidi-control character`,
        {
          field: name.slice(0, 100),
        },
      );
  }
}
