import { requireCleanFormText } from '@kyso/common';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string): boolean => UUID.test(s);

/** The form's text fields besides the file (none is read today; a NUL or control character is still refused, 400 INVALID_TEXT). */
export const checkFormFields = (fields: Record<string, unknown> | undefined): void => requireCleanFormText(fields);
