import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  isIn,
  IsISO8601,
  isISO8601,
  IsOptional,
  IsString,
  isString,
  IsUUID,
  isUUID,
  Length,
  length,
  Matches,
  matches,
  ValidateNested,
} from 'class-validator';
import { answerOf } from './answers';

/**
 * `POST /signature-records` on the registry: the signer hands over its signing attempts in
 * batches (an outbox: each attempt is committed in the signer's database before the answer, then
 * forwarded until the registry confirms). Idempotent by id. `GET /signature-records` lists them.
 */
export const SIGNATURE_RECORDS_PATH = '/signature-records';
export const MAX_SIGNATURE_RECORD_BATCH = 500;

const SHA256 = /^[0-9a-f]{64}$/;

export class SignatureRecordCallerDto {
  @ApiProperty({ enum: ['system', 'operator', 'service'] }) @IsIn(['system', 'operator', 'service']) kind: string;
  @ApiProperty() @IsString() @Length(1, 200) id: string;
  @ApiProperty() @IsString() @Length(0, 200) name: string;
}

export class SignatureRecordDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') id: string;
  @ApiProperty({ format: 'date-time' }) @IsISO8601({ strict: true }) at: string;
  @ApiProperty({ enum: ['signed', 'refused'] }) @IsIn(['signed', 'refused']) outcome: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) refusalCode?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) refusalReason?: string;
  @ApiProperty({ type: SignatureRecordCallerDto })
  @ValidateNested()
  @Type(() => SignatureRecordCallerDto)
  caller: SignatureRecordCallerDto;
  @ApiProperty() @IsString() @Length(1, 200) actingOfficialId: string;
  @ApiProperty() @IsString() @Length(1, 200) certificateId: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) certificateSerial?: string;
  @ApiProperty() @Matches(SHA256) documentSha256: string;
  @ApiPropertyOptional() @IsOptional() @Matches(SHA256) signedDocumentSha256?: string;
  @ApiPropertyOptional({ example: 'B-B' }) @IsOptional() @IsString() @Length(1, 20) level?: string;
  @ApiPropertyOptional({ description: 'The reason given for signing' })
  @IsOptional()
  @IsString()
  @Length(0, 500)
  purpose?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Time of the signature timestamp (B-T and up)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  timestampTime?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all') signingSessionId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) requestId?: string;
}

export class SignatureRecordBatchDto {
  @ApiProperty({ type: [SignatureRecordDto] })
  @IsArray()
  @ArrayMaxSize(MAX_SIGNATURE_RECORD_BATCH)
  @ValidateNested({ each: true })
  @Type(() => SignatureRecordDto)
  records: SignatureRecordDto[];
}

export class SignatureRecordBatchResultDto {
  @ApiProperty({ description: 'Records new to the registry (the others were already recorded)' })
  @IsArray()
  @IsUUID('all', { each: true })
  recorded: string[];
}

export const signatureRecordBatchAnswer = answerOf(SignatureRecordBatchResultDto);

type Rule = (v: unknown) => boolean;
const text =
  (lo: number, hi: number): Rule =>
  (v) =>
    isString(v) && length(v, lo, hi);
const iso: Rule = (v) => isISO8601(v, { strict: true });
const uuid: Rule = (v) => isUUID(v, 'all');
const sha256: Rule = (v) => isString(v) && matches(v, SHA256);
const oneOf =
  (list: string[]): Rule =>
  (v) =>
    isIn(v, list);

/** Each property: its rule and whether it is required. A test keeps these in step with the classes. */
const CALLER_RULES: Record<keyof SignatureRecordCallerDto, [Rule, boolean]> = {
  kind: [oneOf(['system', 'operator', 'service']), true],
  id: [text(1, 200), true],
  name: [text(0, 200), true],
};
const RECORD_RULES: Record<Exclude<keyof SignatureRecordDto, 'caller'>, [Rule, boolean]> = {
  id: [uuid, true],
  at: [iso, true],
  outcome: [oneOf(['signed', 'refused']), true],
  refusalCode: [text(1, 100), false],
  refusalReason: [text(1, 100), false],
  actingOfficialId: [text(1, 200), true],
  certificateId: [text(1, 200), true],
  certificateSerial: [text(1, 100), false],
  documentSha256: [sha256, true],
  signedDocumentSha256: [sha256, false],
  level: [text(1, 20), false],
  purpose: [text(0, 500), false],
  timestampTime: [iso, false],
  signingSessionId: [uuid, false],
  requestId: [text(1, 200), false],
};

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The named properties of `raw`, in its order (as the class check leaves them), when each is absent
 * (if optional) or passes; undefined otherwise. `nested` reads an object-valued property.
 */
function pick(
  raw: unknown,
  rules: Record<string, [Rule, boolean]>,
  nested: Record<string, (v: unknown) => unknown> = {},
): Record<string, unknown> | undefined {
  if (!isPlainObject(raw)) return undefined;
  const read: Record<string, unknown> = {};
  for (const key in rules) {
    const v = raw[key];
    if (v === undefined ? rules[key][1] : !rules[key][0](v)) return undefined;
  }
  for (const key in nested) if ((read[key] = nested[key](raw[key])) === undefined) return undefined;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(raw))
    if (Object.hasOwn(nested, key)) out[key] = read[key];
    else if (Object.hasOwn(rules, key) && raw[key] !== undefined) out[key] = raw[key];
  return out;
}

const CALLER_RULE: [Rule, boolean] = [() => true, true];
const readCaller = (v: unknown) => pick(v, CALLER_RULES);

/**
 * The batch as `parseInput(SignatureRecordBatchDto, …)` returns it (unknown properties left out, at
 * every level, the others in their order), checked directly: the registry reads one every few
 * signatures. Undefined when anything is not plainly valid (null included), for the class to refuse
 * with its 400 (or accept, as before). Never looser than the class (tested).
 */
export function readSignatureRecordBatch(raw: unknown): SignatureRecordBatchDto | undefined {
  if (!isPlainObject(raw) || !Array.isArray(raw.records) || raw.records.length > MAX_SIGNATURE_RECORD_BATCH)
    return undefined;
  const records: SignatureRecordDto[] = [];
  for (const r of raw.records as unknown[]) {
    const record = pick(r, { ...RECORD_RULES, caller: CALLER_RULE }, { caller: readCaller });
    if (!record) return undefined;
    records.push(record as unknown as SignatureRecordDto);
  }
  return { records };
}
