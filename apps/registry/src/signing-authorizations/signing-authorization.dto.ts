import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, IsUUID, Length } from 'class-validator';
import { CertificateViewDto } from '../certificates/certificate.dto';

export class SigningAuthorizationRequestDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  certificateId: string;

  @ApiProperty({ format: 'uuid', description: 'The official who signs (for an organisation certificate: a clerk)' })
  @IsUUID('all')
  actingOfficialId: string;

  /** Any length is accepted here: a PIN of the wrong length is a WRONG_PIN outcome, not bad input. */
  @ApiProperty({ writeOnly: true, description: 'The signing PIN, checked against the stored scrypt hash' })
  @IsString()
  @Length(1, 256)
  pin: string;
}

export class SigningAuthorizationResultDto {
  @ApiProperty() allowed: boolean;
  @ApiPropertyOptional({ type: CertificateViewDto, description: 'When allowed' }) certificate?: CertificateViewDto;
  @ApiPropertyOptional({
    enum: [
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
    ],
    description: 'When refused',
  })
  code?: string;
  @ApiPropertyOptional() message?: string;
  @ApiPropertyOptional() messageVi?: string;
  @ApiPropertyOptional({ enum: ['suspended', 'revoked', 'expired', 'not-yet-valid'] }) certificateStatus?: string;
}
