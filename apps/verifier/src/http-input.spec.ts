import { isUuid } from './http-input';
import { assertEveryJobHandled, JobName } from './jobs';

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
