import 'reflect-metadata';
import { listen, tuneHeap } from '@kyso/common';
import { createGatewayApp } from './app';
import { gatewayConfigFromEnv } from './config';

async function main(): Promise<void> {
  tuneHeap();
  const config = gatewayConfigFromEnv();
  const app = await createGatewayApp(config);
  await listen(app, { name: 'gateway', port: config.port, host: config.host });
}

main().catch((e) => {
  console.error(`gateway failed to start: ${(e as Error).message}`);
  process.exit(1);
});
