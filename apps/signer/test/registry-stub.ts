import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { CertificateViewDto, SigningAuthorization } from '@kyso/contracts';

/** The registry's certificate view (the contract) for a stub certificate. */
function certificateView(c: StubCertificate): CertificateViewDto {
  return {
    id: randomUUID(),
    serialNumber: c.serialNumber,
    subject: 'CN=stub',
    issuer: 'CN=stub CA',
    notBefore: '2026-01-01T00:00:00.000Z',
    notAfter: '2028-01-01T00:00:00.000Z',
    status: 'active',
    subjectType: c.subjectType ?? 'person',
    holderOfficialId: null,
    organizationId: c.organizationId ?? randomUUID(),
    deviceId: null,
    keyUri: c.keyUri,
    sha256: '00'.repeat(32),
    revocationReason: null,
    revokedAt: null,
    certificatePem: c.certificatePem,
    chainPem: c.chainPem,
    renewalOfId: null,
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

export interface StubCertificate {
  id: string;
  holderOfficialId: string;
  pin: string;
  status?: 'active' | 'revoked';
  serialNumber: string;
  keyUri: string;
  certificatePem: string;
  chainPem: string[];
  subjectType?: 'person' | 'organization';
  organizationId?: string;
}

/**
 * A tiny real HTTP server standing in for the registry: the /signing-authorizations contract of
 * docs/internal-api.md, with the internal credential checked as the real registry does.
 */
export async function startRegistryStub(
  internalToken: string,
  certificates: StubCertificate[],
  /** PNGs by path: /officials/{id}/signature-image, /organizations/{id}/seal-image. */
  images: Record<string, Buffer> = {},
) {
  const requests: Array<{ path: string; body: unknown; requestId?: string }> = [];
  /** When set, answered instead of the decision (to test a malformed answer). */
  const override: { answer?: unknown } = {};
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let s = '';
      req.on('data', (c) => (s += c));
      req.on('end', () => resolve(s));
    });
  const signatureRecords: { id: string }[] = [];
  /** Emits 'precheck' with each PIN pre-check's body as it arrives. */
  const prechecked = new EventEmitter();
  /** Signing sessions by token, as the registry keeps them (one use spent per authorisation). */
  const sessions = new Map<string, { id: string; certificateId: string; remainingUses: number }>();
  /** Session uses after the first `after` are never answered (a test kills the signer meanwhile). */
  const hold = { after: Infinity, asked: 0, held: 0 };
  const server: Server = createServer(async (req, res) => {
    const send = (status: number, body: unknown, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && req.url === '/health') return send(200, { status: 'ok' });
    if (req.headers['x-kyso-internal-token'] !== internalToken) {
      return send(
        401,
        { type: 'about:blank', title: 'Unauthorized', status: 401, code: 'INTERNAL_CREDENTIAL_REQUIRED' },
        'application/problem+json',
      );
    }
    if (req.method === 'POST' && req.url === '/signing-authorizations') {
      const body = JSON.parse(await read(req)) as {
        certificateId: string;
        actingOfficialId: string;
        pin?: string;
        session?: number;
        signingSession?: string;
      };
      requests.push({ path: req.url, body, requestId: req.headers['x-request-id'] as string | undefined });
      if (body.signingSession && hold.asked++ >= hold.after) return void hold.held++;
      const c = certificates.find((x) => x.id === body.certificateId);
      const decide = (a: SigningAuthorization) => send(200, override.answer ?? a);
      const refuse = (code: string, message: string, messageVi: string) =>
        decide({ allowed: false, code, message, messageVi });
      if (!c) return refuse('CERTIFICATE_NOT_FOUND', 'No such certificate', 'Không tìm thấy chứng thư số');
      if ((c.status ?? 'active') !== 'active')
        return refuse('CERTIFICATE_NOT_ACTIVE', 'The certificate is revoked', 'Chứng thư số đã bị thu hồi');
      if (c.holderOfficialId !== body.actingOfficialId)
        return refuse('NOT_CERTIFICATE_HOLDER', 'Not the holder', 'Không phải người giữ chứng thư số');
      const expiresAt = '2099-01-01T00:00:00.000Z';
      if (body.signingSession !== undefined) {
        const s = sessions.get(body.signingSession);
        if (!s || s.certificateId !== c.id || s.remainingUses < 1)
          return refuse('SIGNING_SESSION_INVALID', 'The signing session is not valid', 'Phiên ký không hợp lệ');
        s.remainingUses--;
        return decide({
          allowed: true,
          certificate: certificateView(c),
          signingSession: { id: s.id, remainingUses: s.remainingUses, expiresAt },
        });
      }
      if (c.pin !== body.pin) return refuse('WRONG_PIN', 'The signing PIN is wrong', 'Mã PIN ký số không đúng');
      if (!body.session) return decide({ allowed: true, certificate: certificateView(c) });
      const session = { id: randomUUID(), token: `kss_${randomUUID()}`, remainingUses: body.session };
      sessions.set(session.token, { ...session, certificateId: c.id });
      return decide({ allowed: true, certificate: certificateView(c), signingSession: { ...session, expiresAt } });
    }
    // PIN pre-checks: recorded and answered as the registry does (202, nothing said about the PIN).
    if (req.method === 'POST' && req.url === '/signing-authorizations/pin-checks') {
      const body = JSON.parse(await read(req)) as { certificateId: string; pin: string };
      requests.push({ path: req.url, body, requestId: req.headers['x-request-id'] as string | undefined });
      prechecked.emit('precheck', body);
      res.writeHead(202);
      return res.end();
    }
    // The signer's audit forwarder: every record taken, as the registry does.
    if (req.method === 'POST' && req.url === '/signature-records') {
      const { records } = JSON.parse(await read(req)) as { records: { id: string }[] };
      signatureRecords.push(...records);
      return send(200, { recorded: records.map((r) => r.id) });
    }
    const image =
      req.method === 'GET' && req.url?.match(/^\/(officials|organizations)\/[^/]+\/(signature|seal)-image$/);
    if (image) {
      const png = images[req.url!];
      if (png) {
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length });
        return res.end(png);
      }
      const code = image[2] === 'seal' ? 'SEAL_IMAGE_NOT_FOUND' : 'SIGNATURE_IMAGE_NOT_FOUND';
      return send(404, { type: 'about:blank', title: 'Not found', status: 404, code }, 'application/problem+json');
    }
    send(404, { code: 'NOT_FOUND' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    signatureRecords,
    prechecked,
    override,
    sessions,
    hold,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
