import { ValidationError, ValidationPipe } from '@nestjs/common';
import { badRequest } from '@kyso/common';

export interface FieldError {
  field: string;
  problem: 'missing' | 'invalid';
  message: string;
}

/** Flattens class-validator errors (nested objects and arrays) into one list of fields. */
export function fieldErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own: FieldError[] = e.constraints
      ? [
          {
            field,
            problem: e.value === undefined || e.value === null ? 'missing' : 'invalid',
            message: Object.values(e.constraints).join('; '),
          },
        ]
      : [];
    return [...own, ...fieldErrors(e.children ?? [], field)];
  });
}

/**
 * Bad input leaves as problem+json with a stable code: MISSING_FIELD when a required field is absent,
 * INVALID_ID when only ids are malformed, INVALID_FIELD otherwise; `errors` names every field.
 */
export function validationProblem(errors: ValidationError[]) {
  const list = fieldErrors(errors);
  const code = list.some((f) => f.problem === 'missing')
    ? 'MISSING_FIELD'
    : list.length > 0 && list.every((f) => f.message.includes('must be a UUID'))
      ? 'INVALID_ID'
      : 'INVALID_FIELD';
  return badRequest(code, list.map((f) => `${f.field}: ${f.message}`).join('; '), { errors: list });
}

/** Strips unknown properties, converts to DTO classes, and reports violations as above. */
export function registryValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    transform: true,
    stopAtFirstError: true,
    exceptionFactory: validationProblem,
  });
}
