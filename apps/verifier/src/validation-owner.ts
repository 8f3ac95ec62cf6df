import type { Caller } from '@kyso/common';

/** Who asked for a validation: its report is theirs and their organisations' only (issue 11). */
export interface ValidationOwner {
  /** The organisations the submitting caller acted for (API key: those it serves; operator: where it holds roles). */
  organizationIds: string[];
  callerKind: Caller['kind'];
  callerId: string;
  /** Who that was, as the gateway named them (key or operator name), for the history; not used to decide. */
  callerName?: string;
}

/** The organisations a caller acts for; a province-wide admin grant (organisation null) names none. */
export function organisationsOf(caller: Caller): string[] {
  const ids = caller.kind === 'system' ? caller.organizationIds : caller.roles.map((g) => g.organizationId);
  return [...new Set(ids.filter((o): o is string => typeof o === 'string'))].sort();
}

export function ownerOf(caller: Caller): ValidationOwner {
  return {
    organizationIds: organisationsOf(caller),
    callerKind: caller.kind,
    callerId: caller.id,
    callerName: caller.name,
  };
}

/**
 * The submitter itself, or a caller of one of its organisations, may read a validation. Nobody else:
 * not a province admin either (admins see validations through the registry's audit chain, where each
 * sealed evidence record's hash sits), and not a row stored before owners were recorded (no owner).
 */
export function mayRead(caller: Caller, owner: ValidationOwner | null): boolean {
  if (!owner) return false;
  if (owner.callerKind === caller.kind && owner.callerId === caller.id) return true;
  const mine = organisationsOf(caller);
  return owner.organizationIds.some((o) => mine.includes(o));
}
