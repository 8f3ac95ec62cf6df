import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBase64,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { MAX_CHAIN_LENGTH } from '@kyso/contracts';
import { ListQueryDto } from '../shared/list-query.dto';
import { REVOCATION_REASONS, RevocationReason, SUBJECT_TYPES, SubjectType } from './certificate';

// The certificate view is read by the signer too: it is an internal contract.
export { CertificateViewDto, MAX_CHAIN_LENGTH } from '@kyso/contracts';

const MAX_PEM_CHARS = 64 * 1024;

/** Fields shared by the JSON and the multipart registration. */
export class CertificateLinksDto {
  @ApiProperty({ enum: SUBJECT_TYPES })
  @IsIn(SUBJECT_TYPES)
  subjectType: SubjectType;

  @ApiPropertyOptional({ format: 'uuid', description: 'Required for a person certificate' })
  @IsOptional()
  @IsUUID('all')
  holderOfficialId?: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  organizationId: string;

  @ApiProperty({
    example: 'pkcs11:token=kyso-dev;object=an-nv;id=%01',
    description: 'Key location, PKCS#11 URI (RFC 7512)',
  })
  @IsString()
  @Length(8, 1024)
  @Matches(/^pkcs11:/, { message: 'keyUri must be a PKCS#11 URI (pkcs11:...)' })
  keyUri: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  deviceId?: string;

  @ApiProperty({
    description: 'PIN the holder gives to sign; stored only as a scrypt hash',
    minLength: 4,
    maxLength: 64,
    writeOnly: true,
  })
  @IsString()
  @Length(4, 64, { message: 'signingPin must be 4 to 64 characters' })
  signingPin: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The certificate this one renews: it may extend it by at most 3 years',
  })
  @IsOptional()
  @IsUUID('all')
  renewalOfId?: string;
}

export class CreateCertificateDto extends CertificateLinksDto {
  @ApiPropertyOptional({
    description: 'The certificate, PEM (or give certificateDer)',
    example: '-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n',
  })
  @ValidateIf((o: CreateCertificateDto) => o.certificateDer === undefined)
  @IsString()
  @MaxLength(MAX_PEM_CHARS)
  certificatePem?: string;

  @ApiPropertyOptional({ description: 'The certificate, DER in base64 (instead of certificatePem)' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_PEM_CHARS)
  @IsBase64()
  certificateDer?: string;

  @ApiPropertyOptional({ type: [String], description: 'Issuing CA certificates, PEM, leaf-most first' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_CHAIN_LENGTH)
  @IsString({ each: true })
  @MaxLength(MAX_PEM_CHARS, { each: true })
  chainPem?: string[];
}

export class RevokeCertificateDto {
  @ApiProperty({ enum: REVOCATION_REASONS, description: 'RFC 5280 CRLReason' })
  @IsIn(REVOCATION_REASONS)
  reason: RevocationReason;

  @ApiPropertyOptional({ format: 'date-time', description: 'When it was revoked (default: now)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  revokedAt?: string;
}

export class ListCertificatesQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  holderOfficialId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  organizationId?: string;
}
