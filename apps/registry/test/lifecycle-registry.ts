import request from 'supertest';
import { CALLER_HEADER, encodeCaller, INTERNAL_TOKEN_HEADER } from '@kyso/common';
import { Client } from 'pg';
import { randomBytes } from 'node:crypto';
import { createRegistryApp } from '../src/app';
import type { RegistryConfig } from '../src/config';
import type { RunningRegistry } from './support';

/** Like support.ts startRegistry, on a database already migrated (shared with the signer) and a given token. */
export async function startRegistryOn(databaseUrl: string, token: string, over: Partial<RegistryConfig>): Promise<RunningRegistry & { url: string }> {
  process.env.KYSO_QUIET = '1';
  const app = await createRegistryApp({ databaseUrl, internalToken: token, host: '127.0.0.1', port: 0, dataKey: randomBytes(32).toString('base64'), ...over });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const server = app.getHttpServer();
  const bodies: string[] = [];
  const seen = (res: request.Response) => {
    bodies.push(res.text ?? '');
    return res;
  };
  return {
    app,
    url,
    databaseUrl,
    bodies,
    get: async (path) => seen(await request(server).get(path).set(INTERNAL_TOKEN_HEADER, token)),
    post: async (path, body) => seen(await request(server).post(path).set(INTERNAL_TOKEN_HEADER, token).send(body as object)),
    patch: async (path, body) => seen(await request(server).patch(path).set(INTERNAL_TOKEN_HEADER, token).send(body as object)),
    del: async (path) => seen(await request(server).delete(path).set(INTERNAL_TOKEN_HEADER, token)),
    call: (method, path, caller) => {
      const r = request(server)[method](path).set(INTERNAL_TOKEN_HEADER, token);
      return caller ? r.set(CALLER_HEADER, encodeCaller(caller)) : r;
    },
    sql: async (text, params) => {
      const c = new Client({ connectionString: databaseUrl });
      await c.connect();
      try {
        return (await c.query(text, params)).rows;
      } finally {
        await c.end();
      }
    },
    stop: async () => {
      await app.close();
    },
  };
}
