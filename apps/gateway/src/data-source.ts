import 'reflect-metadata';
import { DataSource, DataSourceOptions } from 'typeorm';
import { postgresOptions } from '@kyso/common';
import { ApiKeyEntity } from './api-key.entity';
import { CreateGatewaySchema1795630000000 } from './migrations/1795630000000-CreateGatewaySchema';
import { CreateApiKeyTable1795630000001 } from './migrations/1795630000001-CreateApiKeyTable';
import { AddApiKeyRotation1795630000002 } from './migrations/1795630000002-AddApiKeyRotation';
import { CreateOperatorTable1795630000003 } from './migrations/1795630000003-CreateOperatorTable';
import { CreateOperatorRoleTable1795630000004 } from './migrations/1795630000004-CreateOperatorRoleTable';
import { CreateSigningKeyTable1795630000005 } from './migrations/1795630000005-CreateSigningKeyTable';
import { CreateRefreshTokenTable1795630000006 } from './migrations/1795630000006-CreateRefreshTokenTable';
import { DropOperatorLockout1795630000007 } from './migrations/1795630000007-DropOperatorLockout';
import { AddApiKeyWebhookSecret1799040000000 } from './migrations/1799040000000-AddApiKeyWebhookSecret';

export const GATEWAY_SCHEMA = 'gateway';

/** The gateway's database options, shared by the app (TypeOrmModule), the CLI and the migration runner. */
export function gatewayDataSourceOptions(databaseUrl: string): DataSourceOptions {
  return postgresOptions({
    url: databaseUrl,
    schema: GATEWAY_SCHEMA,
    entities: [ApiKeyEntity],
    migrations: [
      CreateGatewaySchema1795630000000,
      CreateApiKeyTable1795630000001,
      AddApiKeyRotation1795630000002,
      CreateOperatorTable1795630000003,
      CreateOperatorRoleTable1795630000004,
      CreateSigningKeyTable1795630000005,
      CreateRefreshTokenTable1795630000006,
      DropOperatorLockout1795630000007,
      AddApiKeyWebhookSecret1799040000000,
    ],
  });
}

/** A DataSource for the CLI, the migration runner and the TypeORM CLI; not initialised. */
export function gatewayDataSource(databaseUrl: string): DataSource {
  return new DataSource(gatewayDataSourceOptions(databaseUrl));
}

export async function migrateGateway(databaseUrl: string): Promise<void> {
  const ds = gatewayDataSource(databaseUrl);
  await ds.initialize();
  try {
    // TypeORM creates its migrations table inside the schema before the first migration runs.
    await ds.query(`CREATE SCHEMA IF NOT EXISTS ${GATEWAY_SCHEMA}`);
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
}

/** For the TypeORM CLI (`typeorm -d dist/apps/gateway/src/data-source.js migration:run`). */
export default gatewayDataSource(process.env.KYSO_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kyso');
