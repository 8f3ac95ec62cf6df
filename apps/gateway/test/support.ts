import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { RoleGrant } from '@kyso/common';
import { createTestDatabase } from '../../../test/support/db';
import { createGatewayApp } from '../src/app';
import { GatewayConfig } from '../src/config';
import { migrateGateway } from '../src/data-source';
import { Operators } from '../src/identity/operators';
import { Sessions } from '../src/identity/sessions';
import { StubService } from './stub-service';

export const TOKEN = 'test-internal-token-0123456789';

/** The gateway settings of a test: loopback, the test token, local Redis, these upstreams. */
export function testGatewayConfig(
  databaseUrl: string,
  upstreams: { signer: StubService; verifier: StubService; registry: StubService },
  over: Partial<GatewayConfig> = {},
): GatewayConfig {
  return {
    databaseUrl,
    redisUrl: 'redis://127.0.0.1:6379',
    internalToken: TOKEN,
    host: '127.0.0.1',
    port: 0,
    signerUrl: upstreams.signer.url,
    verifierUrl: upstreams.verifier.url,
    registryUrl: upstreams.registry.url,
    bodyLimits: { signaturesPdf: 1024 * 1024, validationsPdf: 1024 * 1024 },
    upstreamTimeoutMs: 10_000,
    ...over,
  };
}

/** A migrated database, three stub services, and a factory for gateway instances sharing them. */
export async function gatewayFixture(name: string) {
  const db = await createTestDatabase(name);
  await migrateGateway(db.url);
  const signer = await new StubService().start();
  const verifier = await new StubService().start();
  const registry = await new StubService().start();
  const redisPrefix = `kyso:test:${randomBytes(4).toString('hex')}:`;
  const apps: NestExpressApplication[] = [];
  const config = (over: Partial<GatewayConfig> = {}): GatewayConfig =>
    testGatewayConfig(db.url, { signer, verifier, registry }, { redisPrefix, ...over });
  return {
    db,
    signer,
    verifier,
    registry,
    config,
    async start(over: Partial<GatewayConfig> = {}): Promise<{ app: NestExpressApplication; base: string }> {
      const app = await createGatewayApp(config(over));
      apps.push(app);
      await app.listen(0, '127.0.0.1');
      return { app, base: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
    },
    /** An operator with the given roles and a fresh access token (no password round trip). */
    async operator(
      app: NestExpressApplication,
      username: string,
      roles: RoleGrant[],
      officialId: string | null = null,
      password = 'correct horse battery',
    ) {
      const op = await app.get(Operators).create({ username, password, roles, officialId }, 'test');
      const tokens = await app.get(Sessions).issue(
        op.id,
        randomBytes(16)
          .toString('hex')
          .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5'),
      );
      return { ...op, password, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
    },
    async close() {
      for (const a of apps) await a.close();
      await Promise.all([signer.stop(), verifier.stop(), registry.stop()]);
      await db.drop();
    },
  };
}

/**
 * Validates an OpenAPI document with @apidevtools/swagger-parser in a child Node process: the
 * parser is ESM-only inside, which Jest's CommonJS runtime cannot load, while Node itself can.
 */
export function validateOpenApi(doc: unknown): Promise<{ valid: boolean; error?: string }> {
  const script = `const P=require('@apidevtools/swagger-parser');let s='';process.stdin.on('data',c=>s+=c).on('end',()=>P.validate(JSON.parse(s)).then(()=>process.exit(0),e=>{process.stderr.write(e.message);process.exit(1)}))`;
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['-e', script],
      { cwd: join(__dirname, '..', '..', '..') },
      (e, _out, err) => resolve(e ? { valid: false, error: err || e.message } : { valid: true }),
    );
    child.stdin!.end(JSON.stringify(doc));
  });
}
