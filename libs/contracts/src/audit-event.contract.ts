import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsOptional, IsString, Length, Matches } from 'class-validator';
import { answerOf } from './answers';

/** `POST /audit/events` on the registry: other services' events, with the forwarded caller as actor. */
export const AUDIT_EVENTS_PATH = '/audit/events';

const ACTION = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)+$/;
const ENTITY_TYPE = /^[a-z][a-z0-9_-]{0,63}$/;

export class AppendAuditEventDto {
  @ApiProperty({ example: 'api_key.created', description: 'Dotted verb: <entity>.<what happened>' })
  @IsString()
  @Length(3, 100)
  @Matches(ACTION, { message: 'action must be a dotted lower-case verb such as "api_key.created"' })
  action: string;

  @ApiProperty({ example: 'api_key' })
  @IsString()
  @Matches(ENTITY_TYPE, { message: 'entityType must be 1-64 lower-case letters, digits, "_" or "-"' })
  entityType: string;

  @ApiPropertyOptional({ example: 'b7c1...', nullable: true, type: String })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  entityId?: string | null;

  @ApiPropertyOptional({ description: 'State before the change (any JSON; never secrets)' })
  @Allow()
  before?: unknown;

  @ApiPropertyOptional({ description: 'State after the change (any JSON; never secrets)' })
  @Allow()
  after?: unknown;
}

/** What the caller reads of an appended event: its place in the hash chain (the seal of what it carries). */
export class AuditEventReceiptDto {
  @ApiProperty({ example: '42', description: 'Position in the chain (a bigint as a decimal string)' })
  @IsString()
  @Matches(/^[0-9]+$/)
  seq: string;

  @ApiProperty({ example: '60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752' })
  @IsString()
  @Matches(/^[0-9a-f]{64}$/)
  hash: string;
}

export const auditEventReceiptAnswer = answerOf(AuditEventReceiptDto);
