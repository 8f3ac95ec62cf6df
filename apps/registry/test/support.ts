import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { CALLER_HEADER, Caller, encodeCaller, INTERNAL_TOKEN_HEADER } from '@kyso/common';
import { Client } from 'pg';
import { DevCa } from '@kyso/pki';
import { createTestDatabase } from '../../../test/support/db';
import { createRegistryApp } from '../src/app';
import type { RegistryConfig } from '../src/config';
import { migrateRegistry } from '../src/data-source';
import { MemoryKeyStore } from '@kyso/keystore';
import { SignerStub } from './signer-stub';

export const TOKEN = 'registry-test-internal-token-0123456789';

export interface TestCert {
  pem: string;
  keyPem: string;
}

/** A fresh P-256 key, unencrypted, for `openssl req`. */
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

const LEAF_EXT = 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n';

/**
 * Real certificates made by openssl in a scratch directory: a CA (basicConstraints cA), a leaf it
 * issues (cA false), or a self-signed leaf. EC P-256 keeps it fast. Each CA publishes a CRL over
 * HTTP on loopback (signed in process with its key), named in the leaves it issues, because the
 * registry checks revocation at registration; `revoke` lists a leaf on its issuer's CRL.
 */
export class OpenSslPki {
  private readonly dir = mkdtempSync(join(tmpdir(), 'kyso-registry-'));
  private n = 0;
  /** CAs by the id in their CRL URL, with the serials (hex) they revoked. */
  private readonly cas = new Map<string, { ca: TestCert; revoked: Map<string, Date> }>();

  private constructor(private readonly server: Server) {}

  /** A PKI with its CRL server listening on loopback (unref'd: it never keeps a test run alive). */
  static async start(): Promise<OpenSslPki> {
    const server = createServer();
    const pki = new OpenSslPki(server);
    server.on('request', (req, res) => {
      pki.crl(req.url ?? '').then(
        (der) => {
          res.writeHead(der ? 200 : 404, { 'content-type': 'application/pkix-crl' });
          res.end(der ? Buffer.from(der) : undefined);
        },
        () => res.writeHead(500).end(),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    server.unref();
    return pki;
  }

  /** Lists `leaf` as revoked (keyCompromise) on the CRL `issuer` publishes, since `at`. */
  revoke(leaf: TestCert | string, issuer: TestCert, at = new Date(Date.now() - 60_000)): void {
    const pem = typeof leaf === 'string' ? leaf : leaf.pem;
    const serial = execFileSync('openssl', ['x509', '-noout', '-serial'], { input: pem }).toString().trim();
    this.cas.get(this.caId(issuer))?.revoked.set(serial.replace(/^serial=/, ''), at);
  }

  /** The URL of the CRL `ca` publishes. */
  crlUrl(ca: TestCert): string {
    const id = this.caId(ca);
    if (!this.cas.has(id)) this.cas.set(id, { ca, revoked: new Map() });
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}/crl/${id}`;
  }

  private caId(ca: TestCert): string {
    return createHash('sha256').update(ca.pem).digest('hex').slice(0, 16);
  }

  private async crl(url: string): Promise<Uint8Array | undefined> {
    const entry = this.cas.get(url.replace(/^\/crl\//, ''));
    if (!entry) return undefined;
    const ca = await DevCa.fromPem(entry.ca.pem, entry.ca.keyPem);
    return ca.issueCrl({
      revoked: [...entry.revoked].map(([serialNumber, revocationDate]) => ({
        serialNumber,
        revocationDate,
        reason: 'keyCompromise',
      })),
      crlNumber: BigInt(Date.now()),
    });
  }

  /** The extensions of a leaf: its issuer's CRL unless `revocation: false` (a leaf naming none). */
  private leafExt(issuer: TestCert | undefined, revocation: boolean): string {
    return this.write(
      'ext',
      LEAF_EXT + (issuer && revocation ? `crlDistributionPoints=URI:${this.crlUrl(issuer)}\n` : ''),
    );
  }

  ca(cn: string, days = 365): TestCert {
    return this.caNamed(`/C=VN/O=Kyso Test/CN=${cn}`, days);
  }

  /** A leaf with basicConstraints cA false, issued by `issuer` or (without one) signed by its own key. */
  leaf(subject: string, issuer?: TestCert, days = 365, opts: { revocation?: boolean } = {}): TestCert {
    const k = this.path('key');
    const csr = this.path('csr');
    const c = this.path('pem');
    const ext = this.leafExt(issuer, opts.revocation ?? true);
    this.openssl(['req', '-new', '-utf8', ...EC_KEY, '-keyout', k, '-out', csr, '-subj', subject]);
    const signWith = issuer
      ? [
          '-CA',
          this.write('pem', issuer.pem),
          '-CAkey',
          this.write('key', issuer.keyPem),
          '-set_serial',
          `0x${Date.now().toString(16)}${this.n}`,
        ]
      : ['-signkey', k];
    this.openssl(['x509', '-req', '-in', csr, ...signWith, '-days', String(days), '-extfile', ext, '-out', c]);
    return { pem: readFileSync(c, 'utf8'), keyPem: readFileSync(k, 'utf8') };
  }

  /** A CA with exactly this subject (e.g. an impostor named like another CA). */
  caNamed(subject: string, days = 365): TestCert {
    const k = this.path('key');
    const c = this.path('pem');
    this.openssl([
      'req',
      '-x509',
      '-utf8',
      ...EC_KEY,
      '-keyout',
      k,
      '-out',
      c,
      '-subj',
      subject,
      '-days',
      String(days),
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    return { pem: readFileSync(c, 'utf8'), keyPem: readFileSync(k, 'utf8') };
  }

  /** A leaf over an existing key (a CA re-certifying a key), PEM. */
  leafForKey(subject: string, keyPem: string, issuer: TestCert, days = 365): string {
    const k = this.write('key', keyPem);
    const csr = this.path('csr');
    const c = this.path('pem');
    const ext = this.leafExt(issuer, true);
    this.openssl(['req', '-new', '-utf8', '-key', k, '-out', csr, '-subj', subject]);
    const serial = `0x${Date.now().toString(16)}${this.n}`;
    this.openssl([
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      this.write('pem', issuer.pem),
      '-CAkey',
      this.write('key', issuer.keyPem),
      '-set_serial',
      serial,
      '-days',
      String(days),
      '-extfile',
      ext,
      '-out',
      c,
    ]);
    return readFileSync(c, 'utf8');
  }

  cleanup(): void {
    this.server.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private path(ext: string): string {
    return join(this.dir, `f${++this.n}.${ext}`);
  }

  private write(ext: string, text: string): string {
    const p = this.path(ext);
    writeFileSync(p, text);
    return p;
  }

  private openssl(args: string[]): void {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  }
}

/** Makes `ca` an enabled document-signing trust anchor of the registry (already one: fine). */
export async function trustCa(reg: Pick<RunningRegistry, 'post'>, ca: TestCert | string): Promise<void> {
  const pem = typeof ca === 'string' ? ca : ca.pem;
  const res = await reg.post('/trust-anchors', {
    name: `Test anchor ${randomBytes(3).toString('hex')}`,
    certificatePem: pem,
  });
  if (res.status !== 201 && res.status !== 409) throw new Error(`trust anchor: ${res.status} ${res.text}`);
}

export interface RunningRegistry {
  app: NestExpressApplication;
  databaseUrl: string;
  /** Every response body seen, to check that no secret ever leaves. */
  bodies: string[];
  get(path: string): Promise<request.Response>;
  post(path: string, body: unknown): Promise<request.Response>;
  patch(path: string, body: unknown): Promise<request.Response>;
  del(path: string): Promise<request.Response>;
  /** A request with the internal token (and, when given, the forwarded caller) to finish with .send/.attach. */
  call(method: 'get' | 'post' | 'put' | 'patch' | 'delete', path: string, caller?: Caller): request.Test;
  /** One statement on the test database, as the superuser. */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** The stub signer request letters are signed through (approval signs one), when the harness started it. */
  signer?: SignerStub;
  stop(): Promise<void>;
}

/**
 * A migrated throwaway database and the registry app on an ephemeral port, called with the internal
 * credential; unless `signerUrl` is given, a stub signer (real HTTP, real signing authorisation)
 * signs the request letters that approvals make.
 */
export async function startRegistry(over: Partial<RegistryConfig> = {}): Promise<RunningRegistry> {
  const db = await createTestDatabase('kyso_registry');
  await migrateRegistry(db.url);
  let registryUrl = '';
  const signer = over.signerUrl
    ? undefined
    : await new SignerStub(TOKEN, new MemoryKeyStore('kyso-registry-test'), () => registryUrl).start();
  const registry = await startRegistryOn(db.url, TOKEN, { signerUrl: signer?.url, ...over });
  registryUrl = registry.url;
  return {
    ...registry,
    signer,
    stop: async () => {
      await registry.stop();
      await signer?.stop();
      await db.drop();
    },
  };
}

/** The registry app on a database already migrated (e.g. shared with the signer), with the given token. */
export async function startRegistryOn(
  databaseUrl: string,
  token: string,
  over: Partial<RegistryConfig>,
): Promise<RunningRegistry & { url: string }> {
  const app = await createRegistryApp({
    databaseUrl,
    internalToken: token,
    host: '127.0.0.1',
    port: 0,
    dataKey: randomBytes(32).toString('base64'),
    ...over,
  });
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
    post: async (path, body) =>
      seen(
        await request(server)
          .post(path)
          .set(INTERNAL_TOKEN_HEADER, token)
          .send(body as object),
      ),
    patch: async (path, body) =>
      seen(
        await request(server)
          .patch(path)
          .set(INTERNAL_TOKEN_HEADER, token)
          .send(body as object),
      ),
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
