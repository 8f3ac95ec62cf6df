import { ValidationError, ValidationPipe } from '@nestjs/common';
import { badRequest, ProblemError } from '@kyso/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

/** A DTO or contract class: what class-transformer builds and class-validator checks. */
export type ContractClass<T extends object> = new () => T;

export interface FieldError {
  field: string;
  problem: 'missing' | 'invalid';
  message: string;
  /** A stable code the constraint names itself (`context: { code }`), when more precise than the default. */
  code?: string;
}

/** Flattens class-validator errors (nested objects and arrays) into one list of fields. */
export function fieldErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const code = Object.values(e.contexts ?? {})
      .map((c) => (c as { code?: unknown }).code)
      .find((c): c is string => typeof c === 'string');
    const own: FieldError[] = e.constraints
      ? [
          {
            field,
            problem: e.value === undefined || e.value === null ? 'missing' : 'invalid',
            message: Object.values(e.constraints).join('; '),
            ...(code ? { code } : {}),
          },
        ]
      : [];
    return [...own, ...fieldErrors(e.children ?? [], field)];
  });
}

/**
 * Bad input leaves as problem+json with a stable code: the code a constraint names (INVALID_SCOPE,
 * WEAK_PASSWORD...), else MISSING_FIELD when a required field is absent, INVALID_ID when only ids are
 * malformed, INVALID_FIELD otherwise. `field` names the first offending field, `errors` all of them.
 */
export function validationProblem(errors: ValidationError[]): ProblemError {
  const list = fieldErrors(errors);
  const named = list.find((f) => f.code);
  const code = named
    ? named.code!
    : list.some((f) => f.problem === 'missing')
      ? 'MISSING_FIELD'
      : list.length > 0 && list.every((f) => f.message.includes('must be a UUID'))
        ? 'INVALID_ID'
        : 'INVALID_FIELD';
  const first = named ?? list.find((f) => f.problem === 'missing') ?? list[0];
  return badRequest(code, list.map((f) => `${f.field}: ${f.message}`).join('; '), {
    ...(first ? { field: first.field } : {}),
    errors: list.map(({ code: _c, ...f }) => f),
  });
}

/**
 * The one validation pipe of every app: strips unknown properties, converts to the DTO classes and
 * reports violations as above. Parameters typed as plain objects (`@Req()`, raw bodies) pass untouched.
 */
export function contractValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    transform: true,
    stopAtFirstError: true,
    exceptionFactory: validationProblem,
  });
}

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/**
 * Checks a plain value against a contract class. Unknown properties are kept (a newer peer may add
 * fields) but everything the contract names must be as it says.
 */
export function check<T extends object>(cls: ContractClass<T>, plain: unknown): Checked<T> {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain))
    return { ok: false, errors: [{ field: '(root)', problem: 'invalid', message: `must be a ${cls.name} object` }] };
  const value = plainToInstance(cls, plain);
  const errors = validateSync(value, { forbidUnknownValues: true });
  return errors.length ? { ok: false, errors: fieldErrors(errors) } : { ok: true, value };
}

/** As `check`, for a JSON array of the contract. */
export function checkList<T extends object>(cls: ContractClass<T>, plain: unknown): Checked<T[]> {
  if (!Array.isArray(plain))
    return { ok: false, errors: [{ field: '(root)', problem: 'invalid', message: `must be a list of ${cls.name}` }] };
  const out: T[] = [];
  const errors: FieldError[] = [];
  plain.forEach((item, i) => {
    const r = check(cls, item);
    if (r.ok) out.push(r.value);
    else errors.push(...r.errors.map((e) => ({ ...e, field: `[${i}].${e.field}`.replace('.(root)', '') })));
  });
  return errors.length ? { ok: false, errors } : { ok: true, value: out };
}

/**
 * For input a pipe does not see (multipart text fields): checks and converts as the pipe does, or
 * throws the same 400 problem.
 */
export function parseInput<T extends object>(cls: ContractClass<T>, plain: unknown): T {
  const value = plainToInstance(cls, plain ?? {});
  const errors = validateSync(value, { whitelist: true, stopAtFirstError: true, forbidUnknownValues: true });
  if (errors.length) throw validationProblem(errors);
  return value;
}
