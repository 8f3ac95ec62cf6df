import { str } from '@kyso/common';
import { createRegistryDataSource } from './data-source';

/** For `typeorm -d dist/apps/registry/src/typeorm-cli.js migration:show|run|revert`. */
export default createRegistryDataSource(str('KYSO_DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/kyso'));
