import { AnswerParser, malformedAnswer } from '@kyso/common';
import { IsUUID } from 'class-validator';
import { check, Checked, checkList, ContractClass, FieldError } from './validation';

const fieldsOf = (errors: FieldError[]) =>
  errors
    .slice(0, 10)
    .map((e) => `${e.field}: ${e.message}`)
    .join('; ');

const parser =
  <T>(what: string, run: (raw: unknown) => Checked<T>): AnswerParser<T> =>
  (raw, from) => {
    const r = run(raw);
    if (!r.ok) throw malformedAnswer(from, what, fieldsOf(r.errors));
    return r.value;
  };

/** Reads an internal answer as one instance of the contract, or fails with a 502 DEPENDENCY_MALFORMED_ANSWER. */
export const answerOf = <T extends object>(cls: ContractClass<T>): AnswerParser<T> =>
  parser(`a ${cls.name}`, (raw) => check(cls, raw));

/** Reads an internal answer as a list of the contract, or fails as above. */
export const listOf = <T extends object>(cls: ContractClass<T>): AnswerParser<T[]> =>
  parser(`a list of ${cls.name}`, (raw) => checkList(cls, raw));

/** For calls whose answer the caller does not use (e.g. an appended audit event): any JSON passes. */
export const ignoredAnswer: AnswerParser<void> = () => undefined;

/** The answer of a create call read only for the new resource's id. */
export class CreatedDto {
  @IsUUID('all') id: string;
}
export const createdAnswer = answerOf(CreatedDto);
