import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, randomUUID } from 'node:crypto';
import type { TrustAnchorDto } from '@kyso/contracts';
import { Certificate } from '@kyso/pki';

/** A trust anchor as the registry's contract has it, for a certificate. */
export function anchorView(certificatePem: string, name = 'test root'): TrustAnchorDto {
  const c = Certificate.parse(certificatePem);
  return {
    id: randomUUID(),
    name,
    sha256: c.sha256Hex,
    subject: c.subject.toString(),
    certificatePem,
    purpose: 'document-signing',
    enabled: true,
    disabledAt: null,
    createdAt: new Date(0).toISOString(),
  };
}

/** An audit event the stub appended, with its place in the stub's hash chain. */
export interface StubAuditEvent {
  seq: string;
  hash: string;
  action: string;
  entityType: string;
  entityId: string | null;
  before?: unknown;
  after?: unknown;
}

/** A tiny real HTTP server standing in for the registry's trust-anchor list and audit log. */
export class RegistryStub {
  up = true;
  /** What `GET /trust-anchors` and the snapshot answer: the contract's views. */
  anchors: TrustAnchorDto[] = [];
  /** When set, answered instead of `anchors` (to test a malformed answer). */
  answer?: unknown;
  /** The trust-store version: moves whenever what is answered changed, as the registry's moves with every change. */
  version = 0;
  private changedAt = new Date(0);
  private answered?: string;
  readonly calls: { url: string; headers: IncomingHttpHeaders }[] = [];
  /** false: `POST /audit/events` answers 503 while the rest still works. */
  auditUp = true;
  /** What `POST /audit/events` appended, hash-chained like the registry's log. */
  readonly events: StubAuditEvent[] = [];
  url = '';
  private server?: Server;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.calls.push({ url: req.url ?? '', headers: req.headers });
      if (!this.up)
        return void res
          .writeHead(503, { 'content-type': 'application/problem+json' })
          .end(JSON.stringify({ status: 503, code: 'NOT_READY', title: 'down' }));
      if (req.url === '/health' || req.url === '/health/ready')
        return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      if (req.method === 'POST' && req.url === '/audit/events') return void this.appendEvent(req, res);
      const json = (body: unknown) =>
        void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      const current = JSON.stringify(this.answer ?? this.anchors);
      if (current !== this.answered) {
        this.answered = current;
        this.version++;
        this.changedAt = new Date();
      }
      const version = { version: this.version, changedAt: this.changedAt.toISOString() };
      if (req.url === '/trust-anchors') return json(this.answer ?? this.anchors);
      if (req.url === '/trust-anchors/version') return json(version);
      if (req.url === '/trust-anchors/snapshot') return json({ ...version, anchors: this.answer ?? this.anchors });
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  private appendEvent(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (!this.auditUp)
        return void res
          .writeHead(503, { 'content-type': 'application/problem+json' })
          .end(JSON.stringify({ status: 503, code: 'NOT_READY', title: 'down' }));
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const prev = this.events.at(-1)?.hash ?? '0'.repeat(64);
      const hash = createHash('sha256').update(prev).update(JSON.stringify(body)).digest('hex');
      const event = { ...body, seq: String(this.events.length + 1), hash };
      this.events.push(event);
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(event));
    });
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }
}
