import { badRequest } from '@kyso/common';

export const DEFAULT_WAIT_SECONDS = 10;
export const MAX_WAIT_SECONDS = 60;

/** `?wait=` in whole seconds, 0..60, default 10. */
export function parseWait(raw: unknown): number {
  if (raw === undefined || raw === '') return DEFAULT_WAIT_SECONDS;
  if (typeof raw !== 'string' || !/^\d{1,3}$/.test(raw) || Number(raw) > MAX_WAIT_SECONDS) {
    throw badRequest('INVALID_FIELD', `wait must be a whole number of seconds from 0 to ${MAX_WAIT_SECONDS}.`, {
      field: 'wait',
    });
  }
  return Number(raw);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string): boolean => UUID.test(s);
