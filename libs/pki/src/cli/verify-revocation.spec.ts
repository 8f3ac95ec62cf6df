import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { issuePerson } from '../../test-fixtures/signers';
import { DevCa, DevTsa } from '../devca';
import { signPdf } from '../pades';
import { appendDss } from '../pdf';
import { NodeHttpFetcher } from './fetch';
import { main, nodeIo } from './main';

type Route = (req: IncomingMessage, body: Buffer, res: ServerResponse) => Promise<void> | void;

/** `kyso verify` fetches revocation data as the service does, or uses the PDF's own; --offline never fetches. */
describe('kyso verify: revocation evidence, fetched or embedded', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kyso-cli-rev-'));
  const file = (name: string, data: string | Uint8Array) => (writeFileSync(join(dir, name), data), join(dir, name));
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const routes = new Map<string, Route>();
  const hits: string[] = [];
  let server: Server;
  let base = '';
  let root: DevCa;
  let sub: DevCa;
  let rootPem: string;
  let bt: Uint8Array;

  async function kyso(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const io = {
      ...nodeIo(),
      stdout: (t: string) => void (out += t),
      stderr: (t: string) => void (err += t),
      now: () => now,
    };
    return { code: await main(argv, io), out, err };
  }

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const route = routes.get(req.url ?? '');
        if (!route) return void res.writeHead(404).end();
        Promise.resolve(route(req, Buffer.concat(chunks), res)).catch(() => res.writeHead(500).end());
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const notBefore = new Date(now.getTime() - 24 * 3600_000);
    root = await DevCa.createRoot({ commonName: 'CLI Root', notBefore, crlUrls: [`${base}/root.crl`] });
    sub = await root.createSubordinate({
      commonName: 'CLI Sub CA',
      notBefore,
      crlUrls: [`${base}/sub.crl`],
      ocspUrl: `${base}/ocsp`,
      caIssuersUrl: `${base}/sub.cer`,
    });
    routes.set('/sub.cer', (_req, _body, res) => void res.writeHead(200).end(Buffer.from(sub.certificate.der)));
    const crl =
      (ca: DevCa): Route =>
      async (_req, _body, res) =>
        void res.writeHead(200).end(Buffer.from(await ca.issueCrl({ thisUpdate: new Date(now.getTime() - 60_000) })));
    routes.set('/root.crl', crl(root));
    routes.set('/sub.crl', crl(sub));
    routes.set('/ocsp', async (_req, body, res) => {
      const der = await sub.ocspResponse({
        request: new Uint8Array(body),
        thisUpdate: new Date(now.getTime() - 60_000),
      });
      res.writeHead(200).end(Buffer.from(der));
    });
    const tsa = await DevTsa.create(root, { commonName: 'CLI TSA', clock: () => new Date(now.getTime() - 120_000) });
    const doc = await PDFDocument.create();
    doc.addPage();
    const { key, cert } = await issuePerson(sub, { CN: 'Lê Thị Hoa', C: 'VN' }, { notBefore });
    bt = await signPdf(await doc.save({ useObjectStreams: false }), {
      signer: key.signer,
      certificate: cert,
      chain: [sub.certificate],
      signingTime: new Date(now.getTime() - 180_000),
      timestamp: (req) => tsa.timestamp(req),
    });
    rootPem = file('root.pem', root.certificate.toPem());
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('fetches OCSP and CRLs by default; with --offline and no evidence it is INDETERMINATE, never valid', async () => {
    const pdf = file('bt.pdf', bt);
    hits.length = 0;
    const online = await kyso('verify', pdf, '--anchor', rootPem);
    expect(online.out).toContain('Conclusion: TOTAL-PASSED');
    expect(online.code).toBe(0);
    expect(hits).toEqual(expect.arrayContaining(['/ocsp', '/root.crl']));
    hits.length = 0;
    const offline = await kyso('verify', pdf, '--anchor', rootPem, '--offline', '--json');
    expect(hits).toEqual([]);
    expect(offline.code).toBe(1);
    expect(JSON.parse(offline.out).signatures[0]).toMatchObject({
      indication: 'INDETERMINATE',
      subIndication: 'TRY_LATER',
    });
  });

  it('a B-LT file validates with --offline from its DSS alone, and shows both times (+07:00 in Vietnamese)', async () => {
    const blt = appendDss(bt, {
      certs: [],
      crls: [await root.issueCrl({ thisUpdate: now }), await sub.issueCrl({ thisUpdate: now })],
      ocsps: [],
    });
    const pdf = file('blt.pdf', blt);
    hits.length = 0;
    const en = await kyso('verify', pdf, '--anchor', rootPem, '--offline');
    expect(hits).toEqual([]);
    expect(en.code).toBe(0);
    const proven = new Date(now.getTime() - 120_000);
    expect(en.out).toContain(`Claimed signing time: ${new Date(now.getTime() - 180_000).toISOString()}`);
    expect(en.out).toContain(`Proven by timestamp: ${proven.toISOString()}`);
    const vi = await kyso('verify', pdf, '--anchor', rootPem, '--offline', '--lang', 'vi');
    expect(vi.code).toBe(0);
    const local = new Date(proven.getTime() + 7 * 3600_000).toISOString().slice(0, 19);
    expect(vi.out).toContain(`Thời điểm được dấu thời gian chứng minh: ${local}+07:00`);
    expect(vi.out).not.toMatch(/\d{2}:\d{2}:\d{2}\.\d{3}Z/);
  });

  it('completes a leaf-only signature from the AIA caIssuers URL, and not with --offline', async () => {
    const { key, cert } = await issuePerson(sub, { CN: 'Võ Văn Lâm', C: 'VN' });
    const doc = await PDFDocument.create();
    doc.addPage();
    const leafOnly = await signPdf(await doc.save(), {
      signer: key.signer,
      certificate: cert,
      chain: [],
      signingTime: now,
    });
    const pdf = file('leaf-only.pdf', leafOnly);
    hits.length = 0;
    const online = await kyso('verify', pdf, '--anchor', rootPem);
    expect(hits).toContain('/sub.cer');
    expect(online.code).toBe(0);
    const offline = await kyso('verify', pdf, '--anchor', rootPem, '--offline', '--json');
    expect(JSON.parse(offline.out).signatures[0].subIndication).toBe('NO_CERTIFICATE_CHAIN_FOUND');
  });

  it('the fetcher follows no redirect, bounds the size and speaks only http(s)', async () => {
    routes.set('/moved', (_req, _body, res) => void res.writeHead(302, { location: `${base}/root.crl` }).end());
    routes.set('/big', (_req, _body, res) => void res.writeHead(200).end(Buffer.alloc(4096)));
    const fetcher = new NodeHttpFetcher({ maxBytes: 1024, timeoutMs: 5000 });
    await expect(fetcher.fetchCrl(`${base}/moved`)).rejects.toMatchObject({ code: 'FETCH_HTTP_STATUS' });
    await expect(fetcher.fetchCrl(`${base}/big`)).rejects.toMatchObject({ code: 'FETCH_TOO_LARGE' });
    await expect(fetcher.fetchCrl('file:///etc/passwd')).rejects.toMatchObject({ code: 'FETCH_SCHEME_REFUSED' });
    await expect(new NodeHttpFetcher().fetchCrl(`${base}/root.crl`)).resolves.toBeInstanceOf(Uint8Array);
  });
});
