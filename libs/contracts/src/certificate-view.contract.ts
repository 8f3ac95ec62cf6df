import { ApiProperty } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  arrayMaxSize,
  IsArray,
  IsIn,
  isIn,
  IsISO8601,
  isISO8601,
  IsString,
  isString,
  IsUUID,
  isUUID,
  MinLength,
  minLength,
  ValidateIf,
} from 'class-validator';

export const SUBJECT_TYPES = ['person', 'organization', 'device'] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

export const CERTIFICATE_STATUSES = ['active', 'suspended', 'revoked', 'expired'] as const;
export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number];

/** Chains longer than this are not certificate chains we issue (a budget). */
export const MAX_CHAIN_LENGTH = 8;

const nullable = (o: object, key: string) => (o as Record<string, unknown>)[key] !== null;

/** A certificate as the registry shows it (GET /certificates/{id}, and in a signing authorization). */
export class CertificateViewDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') id: string;
  @ApiProperty({ example: '5A0F3C' }) @IsString() @MinLength(1) serialNumber: string;
  @ApiProperty({ example: 'CN=Nguyễn Văn An, O=Sở TT&TT Hà Nam, C=VN' }) @IsString() subject: string;
  @ApiProperty({ example: 'CN=Kyso Dev Government CA, C=VN' }) @IsString() issuer: string;
  @ApiProperty({ format: 'date-time' }) @IsISO8601() notBefore: string;
  @ApiProperty({ format: 'date-time' }) @IsISO8601() notAfter: string;
  @ApiProperty({ enum: CERTIFICATE_STATUSES, description: '"expired" once notAfter has passed, whatever is stored' })
  @IsIn(CERTIFICATE_STATUSES)
  status: CertificateStatus;
  @ApiProperty({ enum: SUBJECT_TYPES }) @IsIn(SUBJECT_TYPES) subjectType: SubjectType;
  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  @ValidateIf((o) => nullable(o, 'holderOfficialId'))
  @IsUUID('all')
  holderOfficialId: string | null;
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') organizationId: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  @ValidateIf((o) => nullable(o, 'deviceId'))
  @IsUUID('all')
  deviceId: string | null;
  @ApiProperty() @IsString() @MinLength(1) keyUri: string;
  @ApiProperty({ description: 'SHA-256 of the DER, upper-case hex' }) @IsString() sha256: string;
  @ApiProperty({ nullable: true, type: String })
  @ValidateIf((o) => nullable(o, 'revocationReason'))
  @IsString()
  revocationReason: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  @ValidateIf((o) => nullable(o, 'revokedAt'))
  @IsISO8601()
  revokedAt: string | null;
  @ApiProperty() @IsString() @MinLength(1) certificatePem: string;
  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMaxSize(MAX_CHAIN_LENGTH)
  @IsString({ each: true })
  chainPem: string[];
  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  @ValidateIf((o) => nullable(o, 'renewalOfId'))
  @IsUUID('all')
  renewalOfId: string | null;
  @ApiProperty({ format: 'date-time' }) @IsISO8601() createdAt: string;
}

const uuid = (v: unknown) => isUUID(v, 'all');
const text = (v: unknown) => isString(v) && minLength(v, 1);
const nullOr = (v: unknown, ok: (v: unknown) => boolean) => v === null || ok(v);

/**
 * The constraints of CertificateViewDto checked directly, with class-validator's own predicates
 * (a hot path: every signature's authorisation carries one). Never looser than the class: a test
 * compares both on many values; where this says no, callers fall back to the class's check.
 */
export function isCertificateView(v: unknown): v is CertificateViewDto {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const c = v as Record<keyof CertificateViewDto, unknown>;
  return (
    uuid(c.id) &&
    text(c.serialNumber) &&
    isString(c.subject) &&
    isString(c.issuer) &&
    isISO8601(c.notBefore) &&
    isISO8601(c.notAfter) &&
    isIn(c.status, CERTIFICATE_STATUSES) &&
    isIn(c.subjectType, SUBJECT_TYPES) &&
    nullOr(c.holderOfficialId, uuid) &&
    uuid(c.organizationId) &&
    nullOr(c.deviceId, uuid) &&
    text(c.keyUri) &&
    isString(c.sha256) &&
    nullOr(c.revocationReason, isString) &&
    nullOr(c.revokedAt, isISO8601) &&
    text(c.certificatePem) &&
    Array.isArray(c.chainPem) &&
    arrayMaxSize(c.chainPem, MAX_CHAIN_LENGTH) &&
    c.chainPem.every(isString) &&
    nullOr(c.renewalOfId, uuid) &&
    isISO8601(c.createdAt)
  );
}
