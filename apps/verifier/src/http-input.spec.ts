import { isUuid, parseWait } from './http-input';
import { assertEveryJobHandled, JobName } from './jobs';

describe('parseWait', () => {
  it('defaults to 10 seconds and accepts 0..60', () => {
    expect(parseWait(undefined)).toBe(10);
    expect(parseWait('')).toBe(10);
    expect(parseWait('0')).toBe(0);
    expect(parseWait('60')).toBe(60);
  });

  it.each(['61', '-1', '1.5', 'abc', '1e1', '0x10', ['1', '2']])('refuses %p with INVALID_FIELD', (raw) => {
    expect(() => parseWait(raw)).toThrow(expect.objectContaining({ status: 400, code: 'INVALID_FIELD' }));
  });
});

describe('isUuid', () => {
  it('tells uuids from other ids', () => {
    expect(isUuid('0b0f5d0e-3c4b-4a53-9a0e-1d2f3a4b5c6d')).toBe(true);
    expect(isUuid('1; drop table')).toBe(false);
  });
});

describe('assertEveryJobHandled', () => {
  it('fails at boot when a job has no handler', () => {
    expect(() => assertEveryJobHandled({})).toThrow(JobName.ValidatePdf);
    expect(() => assertEveryJobHandled({ [JobName.ValidatePdf]: async () => undefined })).toThrow(JobName.FetchCrl);
    const all = Object.fromEntries(Object.values(JobName).map((n) => [n, async () => undefined]));
    expect(() => assertEveryJobHandled(all)).not.toThrow();
  });
});
