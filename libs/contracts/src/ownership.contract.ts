import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsUUID, ValidateIf } from 'class-validator';
import { answerOf } from './answers';

export const OWNERSHIP_KINDS = ['organization', 'official', 'certificate', 'device', 'request'] as const;
export type OwnershipKind = (typeof OWNERSHIP_KINDS)[number];

/** `GET /ownership/{kind}/{id}` on the registry: asked by the gateway's access guard. */
export const ownershipPath = (kind: OwnershipKind, id: string) => `/ownership/${kind}/${id}`;

/** Who a resource belongs to, for the gateway's access checks. */
export class OwnershipDto {
  @ApiProperty({ enum: OWNERSHIP_KINDS }) @IsIn(OWNERSHIP_KINDS) kind: OwnershipKind;
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') id: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') organizationId: string;
  /** The directly managing agency: nearest legal-entity ancestor-or-self of `organizationId`. */
  @ApiProperty({ format: 'uuid', description: 'Nearest legal-entity ancestor-or-self of organizationId' })
  @IsUUID('all')
  managingOrganizationId: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  @ValidateIf((o: OwnershipDto) => o.holderOfficialId !== null)
  @IsUUID('all')
  holderOfficialId: string | null;
}

export const ownershipAnswer = answerOf(OwnershipDto);
