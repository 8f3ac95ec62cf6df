import 'reflect-metadata';
import { listen, tuneHeap } from '@kyso/common';
import { createVerifierApp } from './app';
import { verifierConfigFromEnv } from './config';

async function main(): Promise<void> {
  tuneHeap();
  const config = verifierConfigFromEnv();
  const app = await createVerifierApp(config);
  await listen(app, { name: 'verifier', port: config.port, host: config.host, socketPath: config.sockets?.verifier });
}

main().catch((e) => {
  console.error(`verifier failed to start: ${(e as Error).message}`);
  process.exit(1);
});
