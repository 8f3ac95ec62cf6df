import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Page } from '../shared/list-query.dto';
import { DeviceState, KeyDevice, NewKeyDevice } from './key-device';
import { KeyDeviceEntity } from './key-device.entity';

/** Persistence port for key devices. */
export abstract class KeyDevicesRepository {
  abstract insert(device: NewKeyDevice): Promise<KeyDevice>;
  abstract findById(id: string): Promise<KeyDevice | undefined>;
  abstract list(page: Page): Promise<KeyDevice[]>;
}

export const KEY_DEVICE_SERIAL_KEY = 'key_device_serial_number_key';

@Injectable()
export class TypeOrmKeyDevicesRepository extends KeyDevicesRepository {
  constructor(@InjectRepository(KeyDeviceEntity) private readonly repo: Repository<KeyDeviceEntity>) {
    super();
  }

  async insert(device: NewKeyDevice): Promise<KeyDevice> {
    return toKeyDevice(await this.repo.save(this.repo.create(device)));
  }

  async findById(id: string): Promise<KeyDevice | undefined> {
    const e = await this.repo.findOneBy({ id });
    return e ? toKeyDevice(e) : undefined;
  }

  async list(page: Page): Promise<KeyDevice[]> {
    return (await this.repo.find({ order: { createdAt: 'ASC', id: 'ASC' }, take: page.limit, skip: page.offset })).map(toKeyDevice);
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
