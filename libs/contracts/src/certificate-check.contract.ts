import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBase64,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  ValidateNested,
} from 'class-validator';
import { answerOf } from './answers';

/**
 * `POST /internal/certificate-checks` on the verifier: the signer asks, before every signature,
 * whether the signer's certificate validates as the verifier would judge it now (path to an
 * enabled anchor, validity, key usage/EKU, revocation through the verifier's cache).
 */
export const CERTIFICATE_CHECKS_PATH = '/internal/certificate-checks';

/** Bounds one request: candidate CAs (a document's certificates); an evidence item is a CRL or OCSP response. */
export const MAX_CHECK_CHAIN = 32;
export const MAX_EVIDENCE_ITEMS = 64;

export const CERTIFICATE_CHECK_PURPOSES = ['document-signing', 'timestamping'] as const;
export type CertificateCheckPurpose = (typeof CERTIFICATE_CHECK_PURPOSES)[number];

export class CertificateCheckRequestDto {
  @ApiProperty({ description: "The signer's certificate (PEM)" })
  @IsString()
  @Length(1, 64 * 1024)
  certificatePem: string;

  @ApiProperty({ type: [String], description: 'Its issuing CAs, leaf-most first (PEM); the anchor may be left out' })
  @IsArray()
  @ArrayMaxSize(MAX_CHECK_CHAIN)
  @IsString({ each: true })
  @Length(1, 64 * 1024, { each: true })
  chainPem: string[];

  @ApiPropertyOptional({
    enum: CERTIFICATE_CHECK_PURPOSES,
    description: "What the certificate is for: a signer's (default) or a TSA's (its tokens in a B-LT document)",
  })
  @IsOptional()
  @IsIn(CERTIFICATE_CHECK_PURPOSES)
  purpose?: CertificateCheckPurpose;
}

export class CertificateCheckReasonDto {
  @ApiProperty() @IsString() code: string;
  @ApiProperty() @IsString() message: string;
  @ApiProperty() @IsString() messageVi: string;
  @ApiPropertyOptional({ description: '0 is the certificate, 1 its issuer...' })
  @IsOptional()
  @IsInt()
  certificateIndex?: number;
}

export class CertificateCheckEvidenceDto {
  @ApiProperty({ type: [String], description: 'The validated path, leaf first, anchor last (PEM)' })
  @IsArray()
  @ArrayMaxSize(MAX_CHECK_CHAIN + 1)
  @IsString({ each: true })
  certificatesPem: string[];

  @ApiProperty({ type: [String], description: 'CRLs used (DER, base64)' })
  @IsArray()
  @ArrayMaxSize(MAX_EVIDENCE_ITEMS)
  @IsBase64(undefined, { each: true })
  crls: string[];

  @ApiProperty({ type: [String], description: 'OCSP responses used (DER, base64)' })
  @IsArray()
  @ArrayMaxSize(MAX_EVIDENCE_ITEMS)
  @IsBase64(undefined, { each: true })
  ocsps: string[];
}

export const CERTIFICATE_CHECK_INDICATIONS = ['TOTAL-PASSED', 'TOTAL-FAILED', 'INDETERMINATE'] as const;

export class CertificateCheckResultDto {
  @ApiProperty({ enum: CERTIFICATE_CHECK_INDICATIONS })
  @IsIn(CERTIFICATE_CHECK_INDICATIONS)
  indication: (typeof CERTIFICATE_CHECK_INDICATIONS)[number];

  @ApiPropertyOptional({ description: 'ETSI EN 319 102-1 sub-indication when not passed' })
  @IsOptional()
  @IsString()
  subIndication?: string;

  @ApiProperty({ type: [CertificateCheckReasonDto], description: 'Failing reasons (English and Vietnamese)' })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => CertificateCheckReasonDto)
  reasons: CertificateCheckReasonDto[];

  @ApiProperty({ type: CertificateCheckEvidenceDto })
  @ValidateNested()
  @Type(() => CertificateCheckEvidenceDto)
  evidence: CertificateCheckEvidenceDto;

  @ApiProperty({ format: 'date-time', description: 'The time the certificate was judged at' })
  @IsISO8601()
  checkedAt: string;
}

export const certificateCheckAnswer = answerOf(CertificateCheckResultDto);
