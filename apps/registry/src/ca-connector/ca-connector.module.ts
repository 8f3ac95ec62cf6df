import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { Certificate, DevCa } from '@kyso/pki';
import type { RegistryConfig } from '../config';
import { REGISTRY_CONFIG } from '../shared/registry-config.module';
import { CaConnector } from './ca-connector';
import { DevCaConnector } from './dev-ca-connector';
import { ManualCaConnector } from './manual-ca-connector';

/**
 * The dev connector loads the quickstart's subordinate CA (var/dev/pki/subordinate{,.key}.pem and
 * root.pem); a missing or mismatched key fails the boot.
 */
export async function loadDevCaConnector(dir: string): Promise<DevCaConnector> {
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  const ca = await DevCa.fromPem(read('subordinate.pem'), read('subordinate.key.pem'));
  return new DevCaConnector(ca, [Certificate.parse(read('root.pem'))]);
}

@Module({
  providers: [
    {
      provide: CaConnector,
      inject: [REGISTRY_CONFIG],
      useFactory: (config: RegistryConfig) => (config.caConnector === 'dev' ? loadDevCaConnector(config.devCaDir ?? 'var/dev/pki') : new ManualCaConnector()),
    },
  ],
  exports: [CaConnector],
})
export class CaConnectorModule {}
