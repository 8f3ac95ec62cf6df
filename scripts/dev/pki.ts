import 'reflect-metadata';
import { join } from 'node:path';
import { str } from '@kyso/common';
import { loadOrCreatePki } from './pki-files';

/** Quickstart step before the registry starts (its dev CA connector loads these files). */
loadOrCreatePki(join(str('KYSO_DEV_DIR', 'var/dev'), 'pki'), process.env.KYSO_DEV_CA_PUBLIC_URL).then(
  () => console.log('kyso: dev PKI ready (var/dev/pki)'),
  (e) => {
    console.error(`kyso: dev PKI failed: ${(e as Error).message}`);
    process.exit(1);
  },
);
