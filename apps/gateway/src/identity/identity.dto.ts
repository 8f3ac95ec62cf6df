import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { Role, ROLES } from '@kyso/common';
import { Scope, SCOPES } from '../api-keys';

// Public inputs of the identity routes. The pipe (contractValidationPipe) turns a violation into a
// 400 problem; `context.code` keeps the codes these routes answered before they had DTOs. Rules that
// need the database or the clock (taken username, expiry in the future) stay in the services.

const code = (c: string) => ({ context: { code: c } });
const MISSING = code('MISSING_FIELD');
/** These routes answered INVALID_FIELD for a malformed id in a body before (the registry says INVALID_ID). */
const INVALID = code('INVALID_FIELD');
const MAX_TEXT = 200;

/**
 * No length limits on credentials here: an absurdly long username, password or token is a wrong one
 * (401, bounded by the services), never a 400 that tells a guesser anything.
 */
export class LoginDto {
  @ApiProperty({ example: 'it.nguyen' })
  @IsString(MISSING)
  @IsNotEmpty(MISSING)
  username: string;

  @ApiProperty({ format: 'password' })
  @IsString(MISSING)
  @IsNotEmpty(MISSING)
  password: string;
}

export class RefreshDto {
  @ApiProperty({ description: 'The refresh token of the last sign-in or refresh' })
  @IsString(MISSING)
  @IsNotEmpty(MISSING)
  refreshToken: string;
}

export class LogoutDto {
  @ApiPropertyOptional({ description: 'Also revoke this refresh token' })
  @IsOptional()
  @IsString()
  refreshToken?: string;
}

export class CreateApiKeyDto {
  @ApiProperty({ example: 'Hệ thống QLVB Sở TT&TT' })
  @IsString(MISSING)
  @IsNotEmpty(MISSING)
  @MaxLength(MAX_TEXT)
  name: string;

  @ApiProperty({ enum: SCOPES, isArray: true, example: ['sign', 'validate'] })
  // With stopAtFirstError the decorator nearest the property runs first: "not a list" must win.
  @ArrayMaxSize(SCOPES.length * 2)
  @IsIn(SCOPES, { each: true, ...code('INVALID_SCOPE') })
  @ArrayNotEmpty(MISSING)
  @IsArray(MISSING)
  scopes: Scope[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Organisations the system serves' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true, ...INVALID })
  organizationIds?: string[];

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string;
}

export class RotateApiKeyDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'The old key works until then (default: now)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  overlapUntil?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Expiry of the new key (default: the old one)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string;
}

export class RoleGrantDto {
  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES, code('INVALID_ROLE'))
  role: Role;

  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'Where the role is held; null for admin (province-wide)',
  })
  @ValidateIf((g: RoleGrantDto) => g.organizationId !== null && g.organizationId !== undefined)
  @IsUUID('all', code('INVALID_ROLE'))
  organizationId?: string | null;
}

export class CreateOperatorDto {
  @ApiProperty({ example: 'it.nguyen', description: '3-64 of a-z 0-9 . _ -' })
  @IsString(code('INVALID_USERNAME'))
  @MaxLength(MAX_TEXT, code('INVALID_USERNAME'))
  username: string;

  @ApiPropertyOptional({ example: 'Nguyễn Văn Bình' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_TEXT)
  displayName?: string;

  /** Its strength rules (12-256 characters) are the service's: passwordProblem, shared with the CLI. */
  @ApiProperty({ format: 'password', minLength: 12, maxLength: 256 })
  @IsString(code('WEAK_PASSWORD'))
  password: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The official this account acts as (role official)' })
  @IsOptional()
  @IsUUID('all', INVALID)
  officialId?: string;

  @ApiPropertyOptional({ type: [RoleGrantDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => RoleGrantDto)
  roles?: RoleGrantDto[];
}
