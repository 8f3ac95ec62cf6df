import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevCa, DevTsa } from '../devca';
import { buildTimeStampRequest, parseTimeStampRequest } from './request';
import { parseTimeStampResponse } from './token';
import { verifyTimeStampResponse, verifyTimeStampToken } from './verify';

describe('RFC 3161 timestamps', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kyso-tsp-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, data: string | Uint8Array) => (writeFileSync(join(dir, name), data), join(dir, name));
  const data = Buffer.from('chữ ký của lãnh đạo sở');
  const genTime = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000 + 250); // after the TSA certificate's notBefore
  let root: DevCa;
  let tsa: DevTsa;

  beforeAll(async () => {
    root = await DevCa.createRoot({ commonName: 'TSA Root', keyAlgorithm: 'RSA-2048' });
    tsa = await DevTsa.create(root, { clock: () => genTime });
  });

  it('answers a request with a token that openssl ts -verify accepts and we verify', async () => {
    const req = buildTimeStampRequest({ data });
    expect(parseTimeStampRequest(req.der)).toMatchObject({ nonce: req.nonce, certReq: true });
    const resp = await tsa.timestamp(req.der);
    execFileSync(
      'openssl',
      [
        'ts',
        '-verify',
        '-data',
        file('data.bin', data),
        '-in',
        file('resp.tsr', resp),
        '-CAfile',
        file('root.pem', root.certificate.toPem()),
        '-untrusted',
        file('tsa.pem', tsa.certificate.toPem()),
      ],
      { stdio: 'pipe' },
    );
    const text = execFileSync('openssl', ['ts', '-reply', '-in', join(dir, 'resp.tsr'), '-text'], { encoding: 'utf8' });
    expect(text).toContain('Status: Granted.');
    expect(text).toMatch(/Time stamp: .*:\d\d\.25 \d{4} GMT/);
    const r = verifyTimeStampResponse(resp, { data, nonce: req.nonce });
    expect(r).toMatchObject({ valid: true, status: 'granted', problems: [], genTime });
    expect(r.tsaCertificate?.sha256Hex).toBe(tsa.certificate.sha256Hex);
  });

  it('reads a request made by openssl and a token signed by openssl', () => {
    execFileSync('openssl', [
      'ts',
      '-query',
      '-data',
      file('d2.bin', data),
      '-sha256',
      '-cert',
      '-out',
      join(dir, 'q.tsq'),
    ]);
    const q = parseTimeStampRequest(readFileSync(join(dir, 'q.tsq')));
    expect(Buffer.from(q.messageImprint.hashedMessage)).toEqual(createHash('sha256').update(data).digest());
    expect(q.certReq).toBe(true);
  });

  it('refuses a changed imprint, a wrong nonce, a tampered token and a TSA certificate whose EKU is not critical', async () => {
    const imprint = createHash('sha256').update(data).digest();
    const token = parseTimeStampResponse(await tsa.timestamp({ imprint, nonce: 42n })).token!;
    expect(verifyTimeStampToken(token, { imprint, nonce: 42n }).valid).toBe(true);
    expect(verifyTimeStampToken(token, { data: Buffer.from('khác') }).problems).toEqual(['TSP_IMPRINT_MISMATCH']);
    expect(verifyTimeStampToken(token, { imprint, nonce: 43n }).problems).toEqual(['TSP_NONCE_MISMATCH']);
    const tampered = new Uint8Array(token);
    tampered[tampered.length - 5] ^= 0x04;
    expect(verifyTimeStampToken(tampered, { imprint }).problems).toContain('TSP_SIGNATURE_INVALID');
    const weak = await DevTsa.create(root, { ekuCritical: false, clock: () => genTime });
    const weakToken = parseTimeStampResponse(await weak.timestamp({ imprint })).token!;
    expect(verifyTimeStampToken(weakToken, { imprint }).problems).toEqual(['TSA_CERTIFICATE_NOT_FOR_TIMESTAMPING']);
    // Without certReq the TSA certificate must come from elsewhere.
    const bare = parseTimeStampResponse(await tsa.timestamp({ imprint, certReq: false })).token!;
    expect(verifyTimeStampToken(bare, { imprint }).problems).toEqual(['TSA_CERTIFICATE_NOT_FOUND']);
    expect(verifyTimeStampToken(bare, { imprint, extraCertificates: [tsa.certificate] }).valid).toBe(true);
  });

  it('rejects a malformed request with a PKIStatus, and reports malformed responses without throwing', async () => {
    const rejection = parseTimeStampResponse(await tsa.timestamp(Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01)));
    expect(rejection).toMatchObject({ status: 'rejection', failInfo: ['badDataFormat'] });
    expect(rejection.token).toBeUndefined();
    const badAlg = parseTimeStampResponse(await tsa.timestamp({ imprint: new Uint8Array(5) }));
    expect(badAlg.failInfo).toEqual(['badAlg']);
    expect(verifyTimeStampResponse(rejection.der).problems).toEqual(['TSP_NOT_GRANTED']);
    expect(verifyTimeStampResponse(Buffer.from('garbage')).problems).toEqual(['TSP_RESPONSE_MALFORMED']);
    expect(verifyTimeStampToken(new Uint8Array()).problems).toEqual(['TSP_TOKEN_MALFORMED', 'CMS_EMPTY']);
  });
});
