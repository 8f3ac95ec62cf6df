import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** A tiny real HTTP server standing in for an internal service. */
export class StubService {
  readonly requests: Recorded[] = [];
  ready = true;
  handler: (req: Recorded, res: ServerResponse) => void = (_req, res) => res.writeHead(404).end();
  private server?: Server;
  url = '';

  /** Listening on `socketPath` (a Unix-domain socket) when given, else on a loopback port. */
  async start(socketPath?: string): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const rec = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
        if (rec.url === '/health/ready' || rec.url === '/health') {
          res
            .writeHead(this.ready ? 200 : 503, { 'content-type': 'application/json' })
            .end(JSON.stringify({ status: this.ready ? 'ready' : 'not-ready' }));
          return;
        }
        this.requests.push(rec);
        this.handler(rec, res);
      });
    });
    if (socketPath) {
      await new Promise<void>((resolve) => this.server!.listen(socketPath, resolve));
      return this;
    }
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
