/** Where a key device (USB token, thiết bị lưu khóa bí mật) is in its life. */
export const DEVICE_STATES = ['in-stock', 'issued', 'returned', 'lost', 'locked', 'destroyed'] as const;
export type DeviceState = (typeof DEVICE_STATES)[number];

export interface KeyDevice {
  id: string;
  serialNumber: string;
  model: string;
  organizationId: string;
  holderOfficialId: string | null;
  state: DeviceState;
  createdAt: Date;
}

export type NewKeyDevice = Omit<KeyDevice, 'id' | 'createdAt'>;

/** An issued device has a holder; a device in stock has none. Returns the reason it is inconsistent. */
export function deviceHolderProblem(d: Pick<KeyDevice, 'state' | 'holderOfficialId'>): string | undefined {
  if (d.state === 'issued' && !d.holderOfficialId) return 'holderOfficialId is required when state is "issued"';
  if (d.state === 'in-stock' && d.holderOfficialId) return 'a device "in-stock" has no holder';
  return undefined;
}

/**
 * Moves a device may make. Issued devices come back (returned), get lost or locked (wrong PINs);
 * a locked one is unlocked back to its holder or returned; what was returned is restocked or
 * destroyed; a lost one may be found (returned) or written off (destroyed). Destroyed is final.
 */
export const DEVICE_MOVES: Record<DeviceState, readonly DeviceState[]> = {
  'in-stock': ['issued', 'destroyed', 'lost'],
  issued: ['returned', 'lost', 'locked'],
  locked: ['issued', 'returned', 'lost'],
  returned: ['in-stock', 'issued', 'destroyed'],
  lost: ['returned', 'destroyed'],
  destroyed: [],
};

export const canMove = (from: DeviceState, to: DeviceState): boolean => DEVICE_MOVES[from].includes(to);

/** Someone on either side of a hand-over: an official of the registry, or a named outsider (e.g. the CA's courier). */
export interface Party {
  officialId: string | null;
  name: string;
}

/** One hand-over of a device: from one state (and person) to another. */
export interface Handover {
  id: string;
  deviceId: string;
  fromState: DeviceState;
  toState: DeviceState;
  holderOfficialId: string | null;
  handedBy: Party;
  receivedBy: Party;
  at: Date;
  note: string | null;
  recordedBy: { kind: string; id: string; name: string };
}

export const keyDeviceSnapshot = (d: KeyDevice) => ({
  serialNumber: d.serialNumber,
  model: d.model,
  organizationId: d.organizationId,
  holderOfficialId: d.holderOfficialId,
  state: d.state,
});
