import { Injectable } from '@nestjs/common';
import { badRequest, conflict, notFound, unprocessable } from '@kyso/common';
import type { Acting } from '../audit/actor';
import { AuditLog } from '../audit/audit-log';
import { OfficialsService } from '../officials/officials.service';
import { OrganizationsService } from '../organizations/organizations.service';
import { Clock } from '@kyso/common';
import type { Page } from '../shared/list-query.dto';
import { isForeignKeyViolation, isUniqueViolation } from '../shared/pg-errors';
import { Transactions } from '../shared/transactions';
import {
  canMove,
  DEVICE_MOVES,
  deviceHolderProblem,
  DeviceState,
  Handover,
  KeyDevice,
  keyDeviceSnapshot,
  NewKeyDevice,
  Party,
} from './key-device';
import { KEY_DEVICE_SERIAL_KEY, KeyDeviceFilter, KeyDevicesRepository } from './key-devices.repository';

const SERVICE: Acting = { actor: { kind: 'service', id: 'registry', name: 'registry' }, requestId: null };

export interface DeviceMove {
  toState: DeviceState;
  /** The new holder when the device is issued. */
  holderOfficialId?: string | null;
  handedBy: Partial<Party>;
  receivedBy: Partial<Party>;
  at?: Date;
  note?: string | null;
}

export type KeyDeviceDetail = KeyDevice & { returnOwedSince: Date | null };

/** States in which nobody holds the device. */
const NO_HOLDER: readonly DeviceState[] = ['in-stock', 'returned', 'destroyed'];

@Injectable()
export class KeyDevicesService {
  constructor(
    private readonly devices: KeyDevicesRepository,
    private readonly organizations: OrganizationsService,
    private readonly officials: OfficialsService,
    private readonly tx: Transactions,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async create(input: NewKeyDevice, acting: Acting = SERVICE): Promise<KeyDevice> {
    const problem = deviceHolderProblem(input);
    if (problem) throw badRequest('INVALID_FIELD', problem);
    await this.organizations.requireReferenced(input.organizationId);
    if (input.holderOfficialId) await this.officials.requireReferenced(input.holderOfficialId);
    try {
      return await this.tx.run(async () => {
        const d = await this.devices.insert(input);
        await this.audit.append({
          ...acting,
          action: 'device.registered',
          entityType: 'device',
          entityId: d.id,
          after: keyDeviceSnapshot(d),
        });
        return d;
      });
    } catch (e) {
      if (isUniqueViolation(e, KEY_DEVICE_SERIAL_KEY))
        throw conflict('DEVICE_EXISTS', `A device with serial number ${input.serialNumber} already exists`);
      if (isForeignKeyViolation(e))
        throw unprocessable('REFERENCE_NOT_FOUND', 'The organisation or holder was removed concurrently');
      throw e;
    }
  }

  /**
   * Records a hand-over: the device changes state (and holder) and the record says who handed it,
   * who received it, when. Illegal moves are refused with 409 ILLEGAL_DEVICE_MOVE.
   */
  /** Inside a lifecycle request's fulfilment, joins its transaction. */
  async move(
    id: string,
    move: DeviceMove,
    acting: Acting = SERVICE,
  ): Promise<{ device: KeyDevice; handover: Handover }> {
    const handedBy = await this.party(move.handedBy, 'handedBy');
    const receivedBy = await this.party(move.receivedBy, 'receivedBy');
    if (move.toState === 'issued') {
      if (!move.holderOfficialId)
        throw badRequest('MISSING_FIELD', 'holderOfficialId is required to issue a device', {
          errors: [{ field: 'holderOfficialId', problem: 'missing' }],
        });
      await this.officials.requireReferenced(move.holderOfficialId);
    } else if (move.holderOfficialId) {
      throw badRequest('INVALID_FIELD', 'holderOfficialId is given only when the device is issued');
    }
    return this.tx.run(async () => {
      const before = await this.devices.lock(id);
      if (!before) throw notFound('DEVICE_NOT_FOUND', `No key device ${id}`);
      if (!canMove(before.state, move.toState)) {
        const allowed = DEVICE_MOVES[before.state];
        throw conflict(
          'ILLEGAL_DEVICE_MOVE',
          `A device ${before.state} cannot become ${move.toState}${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ' (it is final)'}`,
        );
      }
      const holder =
        move.toState === 'issued'
          ? move.holderOfficialId!
          : NO_HOLDER.includes(move.toState)
            ? null
            : before.holderOfficialId;
      const device = await this.devices.setState(id, move.toState, holder);
      const handover = await this.devices.insertHandover({
        deviceId: id,
        fromState: before.state,
        toState: move.toState,
        holderOfficialId: holder,
        handedBy,
        receivedBy,
        at: move.at ?? this.clock.now(),
        note: move.note ?? null,
        recordedBy: acting.actor,
      });
      await this.audit.append({
        ...acting,
        action: `device.${move.toState.replace('-', '_')}`,
        entityType: 'device',
        entityId: id,
        before: keyDeviceSnapshot(before),
        after: { ...keyDeviceSnapshot(device), handoverId: handover.id },
      });
      return { device, handover };
    });
  }

  async get(id: string): Promise<KeyDeviceDetail> {
    const device = await this.devices.findById(id);
    if (!device) throw notFound('DEVICE_NOT_FOUND', `No key device ${id}`);
    return { ...device, returnOwedSince: await this.devices.returnOwedSince(id, this.clock.now()) };
  }

  list(q: Page & KeyDeviceFilter): Promise<KeyDevice[]> {
    return this.devices.list(q);
  }

  async handovers(id: string): Promise<Handover[]> {
    await this.get(id);
    return this.devices.handovers(id);
  }

  async requireReferenced(id: string): Promise<KeyDevice> {
    const device = await this.devices.findById(id);
    if (!device) throw unprocessable('DEVICE_NOT_FOUND', `deviceId ${id} names no key device`);
    return device;
  }

  /** A party named by official id (its name filled in from the registry) or by name. */
  private async party(p: Partial<Party>, field: string): Promise<Party> {
    if (p.officialId) {
      const o = await this.officials.requireReferenced(p.officialId, `${field}.officialId`);
      return { officialId: o.id, name: p.name ?? o.fullName };
    }
    if (!p.name)
      throw badRequest('MISSING_FIELD', `${field}: an officialId or a name is required`, {
        errors: [{ field, problem: 'missing' }],
      });
    return { officialId: null, name: p.name };
  }
}
