/**
 * Vietnamese personal identification numbers. The citizen ID (CCCD, số định danh cá nhân) has 12
 * digits: a 3-digit province code of the place of birth registration, a digit for sex and century
 * of birth, 2 digits of the year of birth, and 6 random digits. The older people's ID (CMND) has 9
 * digits; it is accepted as legacy input.
 */
export type NationalIdKind = 'cccd' | 'cmnd';

/** Province codes used in CCCD numbers (Circular 07/2016/TT-BCA, Annex I), unchanged by the 2025 mergers. */
export const CCCD_PROVINCE_CODES: ReadonlySet<string> = new Set(
  [
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37, 38, 40, 42, 44, 45,
    46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92,
    93, 94, 95, 96,
  ].map((n) => String(n).padStart(3, '0')),
);

export type NationalIdCheck = { ok: true; value: string; kind: NationalIdKind } | { ok: false; reason: string };

/**
 * Checks a number without echoing it back: the reasons never contain the input, so they are safe
 * in problem responses and logs. Spaces are ignored.
 */
export function checkNationalId(input: string): NationalIdCheck {
  const value = input.replace(/\s+/g, '');
  if (/^\d{9}$/.test(value)) return { ok: true, value, kind: 'cmnd' };
  if (!/^\d{12}$/.test(value))
    return { ok: false, reason: 'a national ID number has 12 digits (CCCD), or 9 digits for a legacy CMND' };
  if (!CCCD_PROVINCE_CODES.has(value.slice(0, 3)))
    return { ok: false, reason: 'the first 3 digits of a CCCD number must be a province code' };
  if (!'0123'.includes(value[3]))
    return { ok: false, reason: 'the 4th digit of a CCCD number (sex and century of birth) must be 0-3' };
  return { ok: true, value, kind: 'cccd' };
}

/** For display to those who may see that an ID exists: the last 3 digits only. */
export const maskNationalId = (value: string): string => `${'*'.repeat(value.length - 3)}${value.slice(-3)}`;
