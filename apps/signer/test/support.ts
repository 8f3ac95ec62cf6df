import type { INestApplication } from '@nestjs/common';
import type { Certificate } from '@kyso/pki';
import type { Client } from 'pg';
import type { TestToken } from '../../../test/support/token';
import type { SignerConfig } from '../src/config';
import type { StubCertificate } from './registry-stub';

export const INTERNAL = 'test-internal-token-0123456789';
/** The PIN every stub certificate is held with. */
export const PIN = '1234';

type Required = Pick<SignerConfig, 'databaseUrl' | 'registryUrl' | 'maxPdfBytes'>;

/** A signer on an ephemeral loopback port with the test credential, Redis and the test token. */
export function testSignerConfig(token: TestToken, c: Required & Partial<SignerConfig>, poolSize = 2): SignerConfig {
  return {
    redisUrl: 'redis://127.0.0.1:6379',
    internalToken: INTERNAL,
    host: '127.0.0.1',
    port: 0,
    pkcs11: { modulePath: token.modulePath, tokenLabel: token.label, pin: token.pin, poolSize },
    ...c,
  };
}

/** The registry's record of a certificate whose key is on the test token, held with PIN. */
export function stubCertificate(
  id: string,
  holderOfficialId: string,
  certificate: Certificate,
  keyUri: string,
  chain: Array<Certificate | string>,
  extra: Partial<StubCertificate> = {},
): StubCertificate {
  return {
    id,
    holderOfficialId,
    pin: PIN,
    serialNumber: certificate.serialNumberHex,
    keyUri,
    certificatePem: certificate.toPem(),
    chainPem: chain.map((c) => (typeof c === 'string' ? c : c.toPem())),
    ...extra,
  };
}

/** What a signer spec brought up; any part may be missing (a beforeAll that failed half-way). */
export interface SignerTestParts {
  pg?: Client;
  app?: INestApplication;
  registry?: { close(): Promise<void> };
  db?: { drop(): Promise<void> };
  token?: TestToken;
}

/** Stops a signer spec's parts, the app before what it uses. */
export async function stopSignerParts({ pg, app, registry, db, token }: SignerTestParts): Promise<void> {
  await pg?.end();
  await app?.close();
  await registry?.close();
  await db?.drop();
  await token?.remove();
}
