import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, IsUUID, ValidateNested } from 'class-validator';
import { answerOf, listOf } from './answers';
import { CertificateViewDto } from './certificate-view.contract';
import { CERTIFICATE_CHECK_INDICATIONS } from './certificate-check.contract';

/**
 * `POST /internal/signature-checks` on the verifier (multipart `file`, a PDF): the signer asks, before
 * adding the organisation's signature to a document, how the verifier's engine judges the signatures
 * already on it (R17: only over a valid personal signature of a competent official).
 */
export const SIGNATURE_CHECKS_PATH = '/internal/signature-checks';
export const MAX_CHECKED_SIGNATURES = 100;

export class SignatureCheckItemDto {
  @ApiPropertyOptional({ nullable: true, type: String }) @IsOptional() @IsString() fieldName: string | null;
  @ApiProperty({ enum: CERTIFICATE_CHECK_INDICATIONS }) @IsIn(CERTIFICATE_CHECK_INDICATIONS) indication: string;
  @ApiPropertyOptional({ nullable: true, type: String }) @IsOptional() @IsString() subIndication: string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: "SHA-256 of the signer's certificate (DER), upper-case hex, as the registry keeps it",
  })
  @IsOptional()
  @IsString()
  certificateSha256: string | null;
  @ApiProperty({ description: 'Changes after this signature are all allowed (or there are none)' })
  @IsIn([true, false])
  changesAllowed: boolean;
}

export class SignatureCheckResultDto {
  @ApiProperty({ type: [SignatureCheckItemDto] })
  @IsArray()
  @ArrayMaxSize(MAX_CHECKED_SIGNATURES)
  @ValidateNested({ each: true })
  @Type(() => SignatureCheckItemDto)
  signatures: SignatureCheckItemDto[];
}
export const signatureCheckAnswer = answerOf(SignatureCheckResultDto);

/** An official as the registry shows them (GET /officials/{id}): the fields the signer's rules read. */
export class OfficialSummaryDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') id: string;
  @ApiProperty() @IsString() fullName: string;
  @ApiProperty() @IsString() title: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') organizationId: string;
  @ApiProperty() @IsString() employmentStatus: string;
}
export const officialSummaryAnswer = answerOf(OfficialSummaryDto);

/** `GET /certificates?holderOfficialId=` on the registry, as the signer reads it. */
export const certificateViewListAnswer = listOf(CertificateViewDto);
