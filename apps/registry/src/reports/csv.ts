/** Excel opens a UTF-8 CSV correctly (Vietnamese diacritics) only with a byte order mark. */
export const UTF8_BOM = '\uFEFF';

export interface Column<R> {
  key: keyof R & string;
  header: string;
}

/**
 * RFC 4180 CSV: CRLF line ends, fields quoted when they hold a quote, comma, line break or edge
 * spaces, quotes doubled. Text starting with = + - @ (or a tab/CR) is prefixed with ' so a
 * spreadsheet shows it instead of evaluating it as a formula (CSV injection).
 */
export function toCsv<R>(columns: Column<R>[], rows: R[]): string {
  const lines = [columns.map((c) => field(c.header)), ...rows.map((r) => columns.map((c) => field(r[c.key])))];
  return UTF8_BOM + lines.map((l) => l.join(',')).join('\r\n') + '\r\n';
}

function field(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  let s = Array.isArray(v) ? v.join('; ') : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
