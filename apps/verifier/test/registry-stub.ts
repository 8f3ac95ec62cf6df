import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A tiny real HTTP server standing in for the registry's trust-anchor list. */
export class RegistryStub {
  up = true;
  anchors: { id: string; name: string; sha256: string; subject: string; certificatePem: string; purpose?: string }[] =
    [];
  readonly calls: { url: string; headers: IncomingHttpHeaders }[] = [];
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
      if (req.url === '/trust-anchors')
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.anchors));
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }
}
