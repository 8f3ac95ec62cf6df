import { parseHolidays, vietnamDate, WorkingCalendar } from './working-days';

describe('WorkingCalendar', () => {
  const cal = new WorkingCalendar(['2026-04-30', '2026-05-01']);

  it('counts three working days from a Monday to the end of Thursday, Vietnam time', () => {
    // Monday 2026-03-02 10:00 in Hà Nội
    expect(cal.deadline(new Date('2026-03-02T03:00:00Z'), 3).toISOString()).toBe('2026-03-05T16:59:59.999Z');
  });

  it('skips the weekend', () => {
    // Friday 2026-03-06 → Mon, Tue, Wed
    expect(vietnamDate(cal.deadline(new Date('2026-03-06T03:00:00Z'), 3))).toBe('2026-03-11');
  });

  it('skips configured holidays (30/4 and 1/5)', () => {
    // Wednesday 2026-04-29 → Thu 30/4 and Fri 1/5 are holidays → Mon 4/5
    expect(vietnamDate(cal.deadline(new Date('2026-04-29T03:00:00Z'), 1))).toBe('2026-05-04');
  });

  it('uses the Vietnam date, not the UTC one, for a request sent late in the evening', () => {
    // 2026-03-02T18:00Z is already Tuesday 01:00 in Vietnam → next working day is Wednesday
    expect(vietnamDate(cal.deadline(new Date('2026-03-02T18:00:00Z'), 1))).toBe('2026-03-04');
  });

  it('parses the holidays list and refuses a malformed date', () => {
    expect(parseHolidays(' 2026-01-01, 2026-09-02 ')).toEqual(['2026-01-01', '2026-09-02']);
    expect(parseHolidays(undefined)).toEqual([]);
    expect(() => parseHolidays('2026-02-30')).toThrow(/KYSO_HOLIDAYS/);
  });
});
