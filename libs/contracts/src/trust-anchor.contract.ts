import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsString,
  IsUUID,
  Matches,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { answerOf } from './answers';

/** `GET /trust-anchors` on the registry: the enabled anchors (or all); the verifier reads the snapshot below. */
export const TRUST_ANCHORS_PATH = '/trust-anchors';

/** What an anchor is trusted for: signatures on documents, timestamps (TSA roots), or both. */
export const TRUST_ANCHOR_PURPOSES = ['document-signing', 'timestamping', 'any'] as const;
export type TrustAnchorPurpose = (typeof TRUST_ANCHOR_PURPOSES)[number];

export class TrustAnchorDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') id: string;
  @ApiProperty() @IsString() name: string;
  @ApiProperty({ description: 'SHA-256 of the DER, upper-case hex' })
  @Matches(/^[0-9A-F]{64}$/)
  sha256: string;
  @ApiProperty({ example: 'CN=Kyso Dev Root CA, C=VN' }) @IsString() subject: string;
  @ApiProperty() @IsString() @MinLength(1) certificatePem: string;
  @ApiProperty({ enum: TRUST_ANCHOR_PURPOSES }) @IsIn(TRUST_ANCHOR_PURPOSES) purpose: TrustAnchorPurpose;
  @ApiProperty() @IsBoolean() enabled: boolean;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  @ValidateIf((o: TrustAnchorDto) => o.disabledAt !== null)
  @IsISO8601()
  disabledAt: string | null;
  @ApiProperty({ format: 'date-time' }) @IsISO8601() createdAt: string;
}

/**
 * `GET /trust-anchors/version` on the registry: a counter bumped in the same transaction as every
 * add, disable, enable and removal of an anchor. The verifier polls it (cheap) and refetches the
 * set only when it moved.
 */
export const TRUST_STORE_VERSION_PATH = '/trust-anchors/version';
/** `GET /trust-anchors/snapshot` on the registry: the enabled anchors and the version they make up, read together. */
export const TRUST_STORE_SNAPSHOT_PATH = '/trust-anchors/snapshot';

export class TrustStoreVersionDto {
  @ApiProperty({ type: 'integer', minimum: 1, example: 7 }) @IsInt() @Min(1) version: number;
  @ApiProperty({ format: 'date-time' }) @IsISO8601() changedAt: string;
}

export class TrustStoreSnapshotDto extends TrustStoreVersionDto {
  @ApiProperty({ type: [TrustAnchorDto], description: 'The enabled anchors' })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => TrustAnchorDto)
  anchors: TrustAnchorDto[];
}

export const trustStoreVersionAnswer = answerOf(TrustStoreVersionDto);
export const trustStoreSnapshotAnswer = answerOf(TrustStoreSnapshotDto);
