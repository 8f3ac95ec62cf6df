import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsISO8601, IsObject, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { ListQueryDto } from '../shared/list-query.dto';
import { REQUEST_STATUSES, REQUEST_TYPES, RequestStatus, RequestType } from './request';
import { CHANGE_CASES, REVOCATION_CASES } from './request-kinds';

export class CreateRequestDto {
  @ApiProperty({ enum: REQUEST_TYPES }) @IsIn(REQUEST_TYPES) type: RequestType;
  @ApiPropertyOptional({ format: 'uuid', description: 'renew, change, revoke, reissue, recover-device' })
  @IsOptional()
  @IsUUID('all')
  certificateId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'issue for a person (form 01)' })
  @IsOptional()
  @IsUUID('all')
  officialId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'issue for an organisation (form 02) or device (form 03)' })
  @IsOptional()
  @IsUUID('all')
  organizationId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'return-device; the device of the key' })
  @IsOptional()
  @IsUUID('all')
  deviceId?: string;
  @ApiPropertyOptional({
    description: `revoke: Art 17 case (${Object.keys(REVOCATION_CASES).join(', ')}); change: Art 15 case (${Object.keys(CHANGE_CASES).join(', ')})`,
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  reason?: string;
  @ApiPropertyOptional({
    description:
      'Form fields: issue needs subjectType (person|organization|device), publicKeySpki (base64 DER, key generated in the token) and keyUri; device needs deviceName; change may give newOrganizationId',
    example: {
      subjectType: 'person',
      publicKeySpki: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE...',
      keyUri: 'pkcs11:token=kyso;object=an-2026',
    },
  })
  @IsOptional()
  @IsObject()
  details?: Record<string, unknown>;
}

export class StepDto {
  @ApiPropertyOptional({ description: 'A remark kept with the step' })
  @IsOptional()
  @IsString()
  @Length(0, 2000)
  note?: string;
}

export class ApproveDto extends StepDto {
  @ApiPropertyOptional({
    writeOnly: true,
    description:
      "Required: PIN of the approving head's own certificate. Approving signs the letter to the CA with it, through the signing authorisation (PIN check, lockout, certificate status); without it, or with a wrong one, nothing is approved. Never stored.",
  })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  pin?: string;
}

export class LetterDto {
  @ApiProperty({ writeOnly: true, description: "PIN of the head's own certificate (never stored)" })
  @IsString()
  @Length(1, 256)
  pin: string;
}

export class SendDto extends StepDto {
  @ApiPropertyOptional({
    writeOnly: true,
    description: 'With the dev CA (fulfils at once): PIN for the new certificate of an issue request, stored as a hash',
  })
  @IsOptional()
  @IsString()
  @Length(4, 256)
  signingPin?: string;
}

export class FulfilDto extends SendDto {
  @ApiPropertyOptional({ description: 'The certificate the CA issued (issue, renew, change, reissue)' })
  @IsOptional()
  @IsString()
  certificatePem?: string;
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @IsString({ each: true }) chainPem?: string[];
  @ApiPropertyOptional({ description: 'PKCS#11 URI of the key, when not in the request details' })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  keyUri?: string;
  @ApiPropertyOptional({ description: 'Revocation confirmation: when the CA revoked (default now)' })
  @IsOptional()
  @IsISO8601()
  revokedAt?: string;
}

export class ListRequestsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: REQUEST_STATUSES }) @IsOptional() @IsIn(REQUEST_STATUSES) status?: RequestStatus;
  @ApiPropertyOptional({ enum: REQUEST_TYPES }) @IsOptional() @IsIn(REQUEST_TYPES) type?: RequestType;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all') organizationId?: string;
  @ApiPropertyOptional({ description: 'Only requests past (true) or within (false) their deadline' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  overdue?: boolean;
}
