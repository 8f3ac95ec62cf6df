import { Injectable } from '@nestjs/common';
import { FindOptionsWhere, Repository } from 'typeorm';
import type { Page } from '../shared/list-query.dto';
import { Db } from '../shared/transactions';
import type { VisibleTo } from '../ownership/visibility';
import { findVisiblePage } from '../ownership/visibility';
import { DeviceState, Handover, KeyDevice, NewKeyDevice } from './key-device';
import { KeyDeviceEntity } from './key-device.entity';

export interface KeyDeviceFilter {
  organizationId?: string;
  holderOfficialId?: string;
  state?: DeviceState;
  /** Only what this caller sees (none: everything). */
  visibleTo?: VisibleTo;
}

/** Persistence port for key devices and their hand-over records. */
export abstract class KeyDevicesRepository {
  abstract insert(device: NewKeyDevice): Promise<KeyDevice>;
  abstract findById(id: string): Promise<KeyDevice | undefined>;
  abstract lock(id: string): Promise<KeyDevice | undefined>;
  abstract setState(id: string, state: DeviceState, holderOfficialId: string | null): Promise<KeyDevice>;
  abstract list(q: Page & KeyDeviceFilter): Promise<KeyDevice[]>;
  abstract insertHandover(h: Omit<Handover, 'id'>): Promise<Handover>;
  abstract handovers(deviceId: string): Promise<Handover[]>;
  /** Whether the device is owed back: in a holder's hands while none of its certificates is usable any more. */
  abstract returnOwedSince(deviceId: string, now: Date): Promise<Date | null>;
}

export const KEY_DEVICE_SERIAL_KEY = 'key_device_serial_number_key';

/**
 * A device in a holder's hands (issued, locked) is owed back once it carries certificates and every
 * one of them is revoked or expired; owed since the last of those ended. Shared with the report.
 */
export const RETURN_OWED_SQL = `
  SELECT d.id, max(COALESCE(LEAST(c.revoked_at, c.not_after), c.not_after)) AS owed_since
  FROM registry.key_device d JOIN registry.certificate c ON c.device_id = d.id
  WHERE d.state IN ('issued', 'locked')
  GROUP BY d.id
  HAVING bool_and(c.status = 'revoked' OR c.not_after < $1)`;

@Injectable()
export class TypeOrmKeyDevicesRepository extends KeyDevicesRepository {
  constructor(private readonly db: Db) {
    super();
  }

  /** The table, in the caller's transaction when there is one. */
  private get repo(): Repository<KeyDeviceEntity> {
    return this.db.repository(KeyDeviceEntity);
  }

  async insert(device: NewKeyDevice): Promise<KeyDevice> {
    return toKeyDevice(await this.repo.save(this.repo.create(device)));
  }

  async findById(id: string): Promise<KeyDevice | undefined> {
    const e = await this.repo.findOneBy({ id });
    return e ? toKeyDevice(e) : undefined;
  }

  async lock(id: string): Promise<KeyDevice | undefined> {
    const e = await this.repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    return e ? toKeyDevice(e) : undefined;
  }

  async setState(id: string, state: DeviceState, holderOfficialId: string | null): Promise<KeyDevice> {
    await this.repo.update({ id }, { state, holderOfficialId });
    return (await this.findById(id))!;
  }

  async list(q: Page & KeyDeviceFilter): Promise<KeyDevice[]> {
    const where: FindOptionsWhere<KeyDeviceEntity> = {};
    if (q.organizationId) where.organizationId = q.organizationId;
    if (q.holderOfficialId) where.holderOfficialId = q.holderOfficialId;
    if (q.state) where.state = q.state;
    return (await findVisiblePage(this.repo, where, q, 'organizationId', 'holderOfficialId')).map(toKeyDevice);
  }

  async insertHandover(h: Omit<Handover, 'id'>): Promise<Handover> {
    const [row]: { id: string }[] = await this.db.query(
      `INSERT INTO registry.key_device_handover
         (device_id, from_state, to_state, holder_official_id, handed_by_official_id, handed_by_name, received_by_official_id, received_by_name, at, note, recorded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [
        h.deviceId,
        h.fromState,
        h.toState,
        h.holderOfficialId,
        h.handedBy.officialId,
        h.handedBy.name,
        h.receivedBy.officialId,
        h.receivedBy.name,
        h.at,
        h.note,
        JSON.stringify(h.recordedBy),
      ],
    );
    return { ...h, id: row.id };
  }

  async handovers(deviceId: string): Promise<Handover[]> {
    const rows = await this.db.query<Record<string, never>[]>(
      `SELECT id, device_id, from_state, to_state, holder_official_id, handed_by_official_id, handed_by_name, received_by_official_id, received_by_name, at, note, recorded_by
       FROM registry.key_device_handover WHERE device_id = $1 ORDER BY at, recorded_at`,
      [deviceId],
    );
    return rows.map((r: Record<string, never>) => ({
      id: r.id,
      deviceId: r.device_id,
      fromState: r.from_state,
      toState: r.to_state,
      holderOfficialId: r.holder_official_id,
      handedBy: { officialId: r.handed_by_official_id, name: r.handed_by_name },
      receivedBy: { officialId: r.received_by_official_id, name: r.received_by_name },
      at: r.at,
      note: r.note,
      recordedBy: r.recorded_by,
    }));
  }

  async returnOwedSince(deviceId: string, now: Date): Promise<Date | null> {
    const rows: { owed_since: Date }[] = await this.db.query(
      `SELECT owed_since FROM (${RETURN_OWED_SQL}) o WHERE o.id = $2`,
      [now, deviceId],
    );
    return rows[0]?.owed_since ?? null;
  }
}

function toKeyDevice(e: KeyDeviceEntity): KeyDevice {
  return {
    id: e.id,
    serialNumber: e.serialNumber,
    model: e.model,
    organizationId: e.organizationId,
    holderOfficialId: e.holderOfficialId,
    state: e.state as DeviceState,
    createdAt: e.createdAt,
  };
}
