// libuv sizes its thread pool once, at first use: set it before anything else runs. Every C_Sign
// runs on a pool thread, so the pool must be at least the PKCS#11 session pool.
import { threadPoolSizeFor } from './config';
process.env.UV_THREADPOOL_SIZE ??= String(threadPoolSizeFor(Number(process.env.KYSO_SESSION_POOL_SIZE) || 4));

import 'reflect-metadata';
import { listen } from '@kyso/common';
import { createSignerApp } from './app';
import { signerConfigFromEnv } from './config';

async function main(): Promise<void> {
  const config = signerConfigFromEnv();
  const app = await createSignerApp(config);
  await listen(app, { name: 'signer', port: config.port, host: config.host, socketPath: config.sockets?.signer });
}

main().catch((e) => {
  console.error(`signer failed to start: ${(e as Error).message}`);
  process.exit(1);
});
