import 'reflect-metadata';
import { listen, tuneHeap } from '@kyso/common';
import { createRegistryApp } from './app';
import { registryConfigFromEnv } from './config';

async function main(): Promise<void> {
  tuneHeap();
  const config = registryConfigFromEnv();
  const app = await createRegistryApp(config);
  await listen(app, {
    name: 'registry',
    host: config.host,
    port: config.port,
    internalToken: config.internalToken,
    socketPath: config.sockets?.registry,
  });
}

main().catch((e: Error) => {
  console.error(`registry failed to start: ${e.message}`);
  process.exit(1);
});
