import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DevCa, OcspResponseOptions } from '@kyso/pki';

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void | Promise<void>;

/**
 * A real HTTP server on 127.0.0.1 publishing dev CAs' CRLs and answering OCSP requests, counting
 * the hits per path so tests can see what was fetched (and what came from the cache).
 */
export class RevocationServer {
  url = '';
  private readonly hitCounts = new Map<string, number>();
  private readonly routes = new Map<string, Handler>();
  private server?: Server;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const path = req.url ?? '';
      this.hitCounts.set(path, this.hits(path) + 1);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const route = this.routes.get(path);
        if (!route) return void res.writeHead(404).end();
        Promise.resolve(route(req, res, Buffer.concat(chunks))).catch(() => res.writeHead(500).end());
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  hits(path: string): number {
    return this.hitCounts.get(path) ?? 0;
  }

  /** A fresh CRL of `ca` on every request (its recorded revocations), after `delayMs`. */
  crl(path: string, ca: DevCa, delayMs = 0): string {
    this.routes.set(path, async (_req, res) => {
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      const der = await ca.issueCrl();
      res.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(Buffer.from(der));
    });
    return `${this.url}${path}`;
  }

  /**
   * An OCSP responder for what `ca` issued (answers from its revocation records, nonce echoed),
   * after `delayMs`; `answer` adds responder options (validityMs for a nextUpdate, issued serials).
   */
  ocsp(path: string, ca: DevCa, answer: Omit<OcspResponseOptions, 'request'> = {}, delayMs = 0): string {
    this.routes.set(path, async (_req, res, body) => {
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      const der = await ca.ocspResponse({ ...answer, request: new Uint8Array(body) });
      res.writeHead(200, { 'content-type': 'application/ocsp-response' }).end(Buffer.from(der));
    });
    return `${this.url}${path}`;
  }

  /** Any other answer (an oversized body, an error). */
  route(path: string, handler: Handler): string {
    this.routes.set(path, handler);
    return `${this.url}${path}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }
}
