import type { OwnershipDto, OwnershipKind } from '@kyso/contracts';

// Who a resource belongs to is read by the gateway's access checks: an internal contract.
export { OWNERSHIP_KINDS } from '@kyso/contracts';
export type { OwnershipKind };
export type Ownership = OwnershipDto;
