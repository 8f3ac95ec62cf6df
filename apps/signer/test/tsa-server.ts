import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DevTsa } from '@kyso/pki';

export type TsaMode = 'ok' | 'down' | 'garbage' | 'slow';

/**
 * A real RFC 3161 TSA over HTTP (a DevTsa behind node:http), with switches for the failures a
 * signer must survive: a 503, a 200 that is not a TimeStampResp, an answer too late.
 */
export async function startTsaServer(tsa: DevTsa) {
  const state = { mode: 'ok' as TsaMode, requests: 0 };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    state.requests++;
    if (state.mode === 'down') {
      res.writeHead(503).end();
      return;
    }
    if (state.mode === 'slow') await new Promise((r) => setTimeout(r, 3_000));
    const body =
      state.mode === 'garbage' ? Buffer.from('<html>maintenance</html>') : await tsa.timestamp(Buffer.concat(chunks));
    if (res.destroyed) return;
    res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(Buffer.from(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsa`,
    state,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
