/** Vietnam has no daylight saving: local dates are UTC+7 all year. */
const VN_OFFSET_MS = 7 * 3600_000;
const DAY_MS = 86_400_000;

/** The Vietnam calendar date (YYYY-MM-DD) of an instant. */
export function vietnamDate(at: Date): string {
  return new Date(at.getTime() + VN_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a Vietnam calendar date (YYYY-MM-DD) begins: 00:00 at UTC+7. */
export function startOfVietnamDay(date: string): Date {
  return new Date(new Date(`${date}T00:00:00Z`).getTime() - VN_OFFSET_MS);
}

export class WorkingCalendar {
  private readonly holidays: ReadonlySet<string>;

  /** `holidays`: public holidays and compensatory days off as YYYY-MM-DD (configuration: the list changes every year). */
  constructor(holidays: Iterable<string> = []) {
    this.holidays = new Set(holidays);
  }

  isWorkingDay(date: string): boolean {
    const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
    return dow !== 0 && dow !== 6 && !this.holidays.has(date);
  }

  /**
   * The deadline `n` working days after `from`: the end (23:59:59.999 Vietnam time) of the n-th
   * working day after the day of `from`; that day itself does not count, as in administrative practice.
   */
  deadline(from: Date, n: number): Date {
    let date = vietnamDate(from);
    let left = n;
    while (left > 0) {
      date = new Date(new Date(`${date}T00:00:00Z`).getTime() + DAY_MS).toISOString().slice(0, 10);
      if (this.isWorkingDay(date)) left--;
    }
    return new Date(new Date(`${date}T00:00:00Z`).getTime() + DAY_MS - VN_OFFSET_MS - 1);
  }
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Parses `KYSO_HOLIDAYS` (comma-separated YYYY-MM-DD); throws on a malformed date so boot fails. */
export function parseHolidays(raw: string | undefined): string[] {
  if (!raw?.trim()) return [];
  return raw.split(',').map((s) => {
    const d = s.trim();
    if (
      !ISO_DATE.test(d) ||
      Number.isNaN(Date.parse(`${d}T00:00:00Z`)) ||
      new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) !== d
    ) {
      throw new Error(`KYSO_HOLIDAYS: "${d}" is not a YYYY-MM-DD date`);
    }
    return d;
  });
}
