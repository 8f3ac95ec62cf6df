import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, MaxLength } from 'class-validator';

export class CreateTrustAnchorDto {
  @ApiProperty({ example: 'Root CA Chính phủ (Ban Cơ yếu Chính phủ)' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ description: 'A CA or self-signed certificate, PEM' })
  @IsString()
  @MaxLength(64 * 1024)
  certificatePem: string;
}

export class TrustAnchorDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'SHA-256 of the DER, upper-case hex' }) sha256: string;
  @ApiProperty({ example: 'CN=Kyso Dev Root CA, C=VN' }) subject: string;
  @ApiProperty() certificatePem: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}
