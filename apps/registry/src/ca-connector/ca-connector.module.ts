import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { Clock } from '@kyso/common';
import { Certificate, DevCa } from '@kyso/pki';
import type { RegistryConfig } from '../config';
import { REGISTRY_CONFIG } from '../shared/registry-config.module';
import { CaConnector } from './ca-connector';
import { DevCaConnector } from './dev-ca-connector';
import { ManualCaConnector } from './manual-ca-connector';

/**
 * The dev connector loads the quickstart's subordinate CA (var/dev/pki/subordinate{,.key}.pem and
 * root.pem, and the root's key when present, to publish the root's CRL); a missing or mismatched
 * key fails the boot. With a public URL, issued certificates name its CRL and OCSP responder.
 */
export async function loadDevCaConnector(dir: string, publicUrl?: string, clock?: Clock): Promise<DevCaConnector> {
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  const urls = (crl: string, ocsp?: string) =>
    publicUrl ? { crlUrls: [`${publicUrl}/${crl}`], ocspUrl: ocsp && `${publicUrl}/${ocsp}` } : {};
  const ca = await DevCa.fromPem(read('subordinate.pem'), read('subordinate.key.pem'), urls('crl', 'ocsp'));
  const root = existsSync(join(dir, 'root.key.pem'))
    ? await DevCa.fromPem(read('root.pem'), read('root.key.pem'), urls('root.crl'))
    : undefined;
  return new DevCaConnector(ca, [Certificate.parse(read('root.pem'))], root, clock);
}

@Module({
  providers: [
    {
      provide: CaConnector,
      inject: [REGISTRY_CONFIG, Clock],
      useFactory: (config: RegistryConfig, clock: Clock) =>
        config.caConnector === 'dev'
          ? loadDevCaConnector(config.devCaDir ?? 'var/dev/pki', config.devCaPublicUrl, clock)
          : new ManualCaConnector(),
    },
  ],
  exports: [CaConnector],
})
export class CaConnectorModule {}
