/** An instant as ISO 8601 at a UTC offset, to the second: 2026-12-02T09:05:00+07:00 (Vietnam by default). */
export function formatLocalIsoTime(date: Date, offsetMinutes = 420): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('invalid date');
  const local = new Date(date.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${offsetMinutes < 0 ? '-' : '+'}${hh}:${mm}`;
}
