import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { TRUST_ANCHOR_PURPOSES, TrustAnchorPurpose } from '@kyso/contracts';

export class CreateTrustAnchorDto {
  @ApiProperty({ example: 'Root CA Chính phủ (Ban Cơ yếu Chính phủ)' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ description: 'A CA or self-signed certificate, PEM' })
  @IsString()
  @MaxLength(64 * 1024)
  certificatePem: string;

  @ApiPropertyOptional({ enum: TRUST_ANCHOR_PURPOSES, default: 'document-signing' })
  @IsOptional()
  @IsIn(TRUST_ANCHOR_PURPOSES)
  purpose?: TrustAnchorPurpose;
}

export class ListTrustAnchorsQueryDto {
  @ApiPropertyOptional({ default: false, description: 'Also list disabled anchors (the verifier never asks for them)' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  includeDisabled?: boolean;

  @ApiPropertyOptional({
    enum: TRUST_ANCHOR_PURPOSES,
    description: 'Anchors for this purpose, and those for any purpose',
  })
  @IsOptional()
  @IsIn(TRUST_ANCHOR_PURPOSES)
  purpose?: TrustAnchorPurpose;
}
