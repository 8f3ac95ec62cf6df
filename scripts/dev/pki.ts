import 'reflect-metadata';
import { join, relative } from 'node:path';
import { str } from '@kyso/common';
import { loadOrCreatePki } from './pki-files';

/** Quickstart step before the registry starts (its dev CA connector loads these files). */
const dir = join(str('KYSO_DEV_DIR', 'var/dev'), 'pki');
loadOrCreatePki(dir, process.env.KYSO_DEV_CA_PUBLIC_URL).then(
  () => console.log(`kyso: dev PKI ready (${relative(process.cwd(), dir)})`),
  (e) => {
    console.error(`kyso: dev PKI failed: ${(e as Error).message}`);
    process.exit(1);
  },
);
