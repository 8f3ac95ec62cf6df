import { Injectable } from '@nestjs/common';
import { badRequest, conflict, notFound, unprocessable } from '@kyso/common';
import { OfficialsService } from '../officials/officials.service';
import { OrganizationsService } from '../organizations/organizations.service';
import type { Page } from '../shared/list-query.dto';
import { isForeignKeyViolation, isUniqueViolation } from '../shared/pg-errors';
import { deviceHolderProblem, KeyDevice, NewKeyDevice } from './key-device';
import { KEY_DEVICE_SERIAL_KEY, KeyDevicesRepository } from './key-devices.repository';

@Injectable()
export class KeyDevicesService {
  constructor(
    private readonly devices: KeyDevicesRepository,
    private readonly organizations: OrganizationsService,
    private readonly officials: OfficialsService,
  ) {}

  async create(input: NewKeyDevice): Promise<KeyDevice> {
    const problem = deviceHolderProblem(input);
    if (problem) throw badRequest('INVALID_FIELD', problem);
    await this.organizations.requireReferenced(input.organizationId);
    if (input.holderOfficialId) await this.officials.requireReferenced(input.holderOfficialId);
    try {
      return await this.devices.insert(input);
    } catch (e) {
      if (isUniqueViolation(e, KEY_DEVICE_SERIAL_KEY)) throw conflict('DEVICE_EXISTS', `A device with serial number ${input.serialNumber} already exists`);
      if (isForeignKeyViolation(e)) throw unprocessable('REFERENCE_NOT_FOUND', 'The organisation or holder was removed concurrently');
      throw e;
    }
  }

  async get(id: string): Promise<KeyDevice> {
    const device = await this.devices.findById(id);
    if (!device) throw notFound('DEVICE_NOT_FOUND', `No key device ${id}`);
    return device;
  }

  list(page: Page): Promise<KeyDevice[]> {
    return this.devices.list(page);
  }

  async requireReferenced(id: string): Promise<KeyDevice> {
    const device = await this.devices.findById(id);
    if (!device) throw unprocessable('DEVICE_NOT_FOUND', `deviceId ${id} names no key device`);
    return device;
  }
}
