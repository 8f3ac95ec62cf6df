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
