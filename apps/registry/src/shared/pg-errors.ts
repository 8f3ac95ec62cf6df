/** Postgres error classes the registry maps to problems (a race lost to a concurrent insert). */
const code = (e: unknown): string | undefined =>
  (e as { driverError?: { code?: string }; code?: string })?.driverError?.code ?? (e as { code?: string })?.code;
const constraint = (e: unknown): string | undefined =>
  (e as { driverError?: { constraint?: string }; constraint?: string })?.driverError?.constraint ??
  (e as { constraint?: string })?.constraint;

export const isUniqueViolation = (e: unknown, name?: string): boolean =>
  code(e) === '23505' && (!name || constraint(e) === name);
export const isForeignKeyViolation = (e: unknown): boolean => code(e) === '23503';
