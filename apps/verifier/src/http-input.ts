import { badRequest, MAX_CALLBACK_URL_CHARS, requireCleanFormText } from '@kyso/common';
import { MAX_WAIT_SECONDS, parseInput, ValidatePdfQueryDto } from '@kyso/contracts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string): boolean => UUID.test(s);

/** The form's text fields besides the file (none is read today; a NUL or control character is still refused, 400 INVALID_TEXT). */
export const checkFormFields = (fields: Record<string, unknown> | undefined): void => requireCleanFormText(fields);

/**
 * An upload's file name for the history: multer reads the multipart header as latin1, so UTF-8 names
 * (Vietnamese) are decoded again; control characters dropped, at most 255 characters.
 */
export function fileNameOf(file: { originalname?: string }): string | null {
  const raw = file.originalname ?? '';
  const utf8 = Buffer.from(raw, 'latin1').toString('utf8');
  // eslint-disable-next-line no-control-regex
  const name = (utf8.includes('\uFFFD') ? raw : utf8).replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 255);
  return name || null;
}

/**
 * The `callbackUrl` of a submission: the (checked) query parameter, else the form field; the query
 * parameter wins when both are given.
 */
export function callbackUrlOf(
  query: { callbackUrl?: string },
  fields: Record<string, unknown> | undefined,
): string | undefined {
  if (query.callbackUrl !== undefined) return query.callbackUrl;
  const v = fields?.callbackUrl;
  if (v === undefined) return undefined;
  if (typeof v !== 'string')
    throw badRequest('INVALID_FIELD', 'callbackUrl must be given once, as text', { field: 'callbackUrl' });
  return v;
}

/**
 * The query of `POST /validations/pdf`. The usual one (no or a whole `wait` up to the maximum, a
 * `callbackUrl` within its length) is read as it is; anything else is checked by the contract
 * (ValidatePdfQueryDto), with its 400 INVALID_FIELD answers. class-transformer and class-validator
 * cost more per request than the whole check needs (issue 16.3). That it answers as the contract
 * over everything it answers itself is tested over that whole domain (http-input.spec).
 */
export function validatePdfQueryOf(raw: Record<string, unknown>): ValidatePdfQueryDto {
  if (!isPlainPdfQuery(raw)) return parseInput(ValidatePdfQueryDto, raw);
  const { wait, callbackUrl } = raw;
  return { wait: wait === undefined ? undefined : Number(wait), callbackUrl };
}

/** The usual query of `POST /validations/pdf`, read without the contract (see validatePdfQueryOf). */
export function isPlainPdfQuery(raw: Record<string, unknown>): raw is { wait?: string; callbackUrl?: string } {
  const { wait, callbackUrl } = raw;
  const plainWait =
    wait === undefined || (typeof wait === 'string' && /^\d{1,2}$/.test(wait) && +wait <= MAX_WAIT_SECONDS);
  const plainUrl =
    callbackUrl === undefined || (typeof callbackUrl === 'string' && callbackUrl.length <= MAX_CALLBACK_URL_CHARS);
  return plainWait && plainUrl;
}
