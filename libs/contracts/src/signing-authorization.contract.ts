import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  isBoolean,
  IsDefined,
  IsIn,
  isIn,
  IsInt,
  isInt,
  IsOptional,
  IsString,
  isString,
  IsUUID,
  isUUID,
  Length,
  length,
  Max,
  max,
  Min,
  min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import type { AnswerParser } from '@kyso/common';
import { answerOf } from './answers';
import { CertificateViewDto, isCertificateView } from './certificate-view.contract';

/** `POST /signing-authorizations` on the registry: asked by the signer before every signature. */
export const SIGNING_AUTHORIZATIONS_PATH = '/signing-authorizations';

export class SigningAuthorizationRequestDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  certificateId: string;

  @ApiProperty({ format: 'uuid', description: 'The official who signs (for an organisation certificate: a clerk)' })
  @IsUUID('all')
  actingOfficialId: string;

  /** Any length is accepted here: a PIN of the wrong length is a WRONG_PIN outcome, not bad input. */
  @ApiPropertyOptional({
    writeOnly: true,
    description: 'The signing PIN, checked against the stored scrypt hash; or `signingSession` instead',
  })
  @ValidateIf((o: SigningAuthorizationRequestDto) => o.signingSession === undefined)
  @IsString()
  @Length(1, 256)
  pin?: string;

  @ApiPropertyOptional({
    description: 'With a PIN: open a signing session for this many further signatures (bounded by configuration)',
    minimum: 1,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  session?: number;

  @ApiPropertyOptional({ writeOnly: true, description: 'A signing session token, instead of the PIN' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  signingSession?: string;
}

const textOf = (v: unknown, lo: number, hi: number) => isString(v) && length(v, lo, hi);

/**
 * The request as `parseInput(SigningAuthorizationRequestDto, …)` returns it (unknown fields left
 * out), checked directly: the registry reads one per signature. Undefined when anything is not
 * plainly valid (null included), for the class to refuse with its 400 (or accept, as before).
 * Never looser than the class (tested).
 */
export function readSigningAuthorizationRequest(raw: unknown): SigningAuthorizationRequestDto | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const r = raw as Record<keyof SigningAuthorizationRequestDto, unknown>;
  const { certificateId, actingOfficialId, pin, session, signingSession } = r;
  if (!isUUID(certificateId, 'all') || !isUUID(actingOfficialId, 'all')) return undefined;
  if (pin === undefined ? signingSession === undefined : !textOf(pin, 1, 256)) return undefined;
  if (session !== undefined && !(isInt(session) && min(session, 1) && max(session, 1_000_000))) return undefined;
  if (signingSession !== undefined && !textOf(signingSession, 1, 256)) return undefined;
  return {
    certificateId,
    actingOfficialId,
    ...(pin !== undefined && { pin: pin as string }),
    ...(session !== undefined && { session: session as number }),
    ...(signingSession !== undefined && { signingSession: signingSession as string }),
  } as SigningAuthorizationRequestDto;
}

/**
 * `POST /signing-authorizations/pin-checks` on the registry: asked by the signer while a big
 * document still arrives, so that the PIN's slow hash is computed before the authorisation needs
 * it. Effect-free; always 202 without a body, whatever the PIN (it reveals nothing).
 */
export const PIN_PRECHECKS_PATH = `${SIGNING_AUTHORIZATIONS_PATH}/pin-checks`;

export class PinPrecheckRequestDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  certificateId: string;

  @ApiProperty({ writeOnly: true, description: 'The signing PIN the authorisation will be asked with' })
  @IsString()
  @Length(1, 256)
  pin: string;
}

/** A signing session opened (with `token`, only once) or spent (without it). */
export class SigningSessionViewDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') id: string;
  @ApiPropertyOptional({ description: 'The token, only in the answer that opened the session' })
  @IsOptional()
  @IsString()
  token?: string;
  @ApiProperty({ description: 'Signatures still allowed after this one' }) @IsInt() @Min(0) remainingUses: number;
  @ApiProperty({ format: 'date-time' }) @IsString() expiresAt: string;
}

export const SIGNING_REFUSAL_CODES = [
  'CERTIFICATE_NOT_FOUND',
  'OFFICIAL_NOT_FOUND',
  'NOT_CERTIFICATE_HOLDER',
  'OFFICIAL_NOT_ACTIVE',
  'CERTIFICATE_NOT_ACTIVE',
  'ORGANIZATION_NOT_SERVED',
  'NOT_ACTING_OFFICIAL',
  'CERTIFICATE_LOCKED',
  'ORGANIZATION_ENDED',
  'WRONG_PIN',
  'SIGNING_SESSION_INVALID',
] as const;

export const REFUSED_CERTIFICATE_STATUSES = ['suspended', 'revoked', 'expired', 'not-yet-valid'] as const;

const refused = (o: SigningAuthorizationResultDto) => o.allowed === false;

/** The registry's decision; always 200. Checked as one class, read as the union below. */
export class SigningAuthorizationResultDto {
  @ApiProperty() @IsBoolean() allowed: boolean;

  @ApiPropertyOptional({ type: CertificateViewDto, description: 'When allowed' })
  @ValidateIf((o: SigningAuthorizationResultDto) => o.allowed === true)
  @IsDefined()
  @ValidateNested()
  @Type(() => CertificateViewDto)
  certificate?: CertificateViewDto;

  @ApiPropertyOptional({
    type: SigningSessionViewDto,
    description: 'When allowed and a session was asked for or used',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => SigningSessionViewDto)
  signingSession?: SigningSessionViewDto;

  /** Codes are open-ended (a newer registry may refuse for a new reason): any refusal refuses. */
  @ApiPropertyOptional({ enum: SIGNING_REFUSAL_CODES, description: 'When refused' })
  @ValidateIf(refused)
  @IsString()
  @Length(1, 100)
  code?: string;

  @ApiPropertyOptional() @ValidateIf(refused) @IsString() message?: string;
  @ApiPropertyOptional() @ValidateIf(refused) @IsString() messageVi?: string;

  @ApiPropertyOptional({ enum: REFUSED_CERTIFICATE_STATUSES })
  @IsOptional()
  @IsIn(REFUSED_CERTIFICATE_STATUSES)
  certificateStatus?: string;
}

export type SigningRefusalView = {
  allowed: false;
  code: string;
  message: string;
  messageVi: string;
  certificateStatus?: string;
};
export type SigningAuthorization =
  { allowed: true; certificate: CertificateViewDto; signingSession?: SigningSessionViewDto } | SigningRefusalView;

const absentOr = (v: unknown, ok: (v: unknown) => boolean) => v === null || v === undefined || ok(v);

const isSessionView = (v: unknown): boolean => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const s = v as Record<keyof SigningSessionViewDto, unknown>;
  return (
    isUUID(s.id, 'all') &&
    absentOr(s.token, isString) &&
    isInt(s.remainingUses) &&
    min(s.remainingUses, 0) &&
    isString(s.expiresAt)
  );
};

/**
 * SigningAuthorizationResultDto's constraints checked directly (class-transformer and class-validator
 * cost more than the rest of the signer's reading of the answer). Never looser than the class: a
 * test compares both on many answers. A `false` here only means "ask the class".
 */
export function isSigningAuthorization(v: unknown): v is SigningAuthorization {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const a = v as Record<keyof SigningAuthorizationResultDto, unknown>;
  if (!isBoolean(a.allowed)) return false;
  if (a.allowed === true && !isCertificateView(a.certificate)) return false;
  if (
    a.allowed === false &&
    !(isString(a.code) && length(a.code, 1, 100) && isString(a.message) && isString(a.messageVi))
  )
    return false;
  return (
    absentOr(a.signingSession, isSessionView) &&
    absentOr(a.certificateStatus, (s) => isIn(s, REFUSED_CERTIFICATE_STATUSES))
  );
}

const checked = answerOf(SigningAuthorizationResultDto);
/**
 * The signer's reading of the answer: the direct check, else the contract class (which then
 * accepts or gives the 502's field errors as before), narrowed to the union (the checks guarantee it).
 */
export const signingAuthorizationAnswer: AnswerParser<SigningAuthorization> = (raw, from) =>
  isSigningAuthorization(raw) ? raw : (checked(raw, from) as SigningAuthorization);
