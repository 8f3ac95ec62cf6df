import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPrivateKey, randomUUID, sign as cryptoSign } from 'node:crypto';
import {
  CALLER_HEADER,
  decodeCaller,
  INTERNAL_TOKEN_HEADER,
  InternalClient,
  PROBLEM_CONTENT_TYPE,
  sameSecret,
} from '@kyso/common';
import { SIGNATURE_ID_HEADER, SIGNING_AUTHORIZATIONS_PATH, signingAuthorizationAnswer } from '@kyso/contracts';
import type { KeyStore } from '@kyso/keystore';
import { Certificate, RawSigner } from '@kyso/pki';
import { signPdf } from '@kyso/pki/pades';

export interface SignerStubCall {
  certificateId: string;
  actingOfficialId: string;
  reason?: string;
  caller?: string;
}

/**
 * A small real HTTP server standing in for the signer in the registry's tests: the
 * `POST /signatures/pdf` contract of docs/internal-api.md (multipart in, signed PDF and
 * x-kyso-signature-id out, 403 SIGNING_NOT_ALLOWED with the registry's reason). Like the real
 * signer it asks the registry's /signing-authorizations (holder, status, PIN), then signs PAdES
 * B-B with libs/pki and the key the authorisation names, found in the given key store.
 */
export class SignerStub {
  readonly calls: SignerStubCall[] = [];
  /** P-256 keys made by openssl (OpenSslPki), by the key URI their certificate is registered with. */
  readonly pemKeys = new Map<string, string>();
  url = '';
  private server?: Server;

  constructor(
    private readonly internalToken: string,
    private readonly keys: KeyStore,
    /** Where the registry is: known only once it listens on the port the stub's URL was given to. */
    private readonly registryUrl: () => string,
  ) {}

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e: Error) => problem(res, 500, 'INTERNAL', e.message));
    });
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }

  private async signerFor(uri: string): Promise<RawSigner> {
    const pem = this.pemKeys.get(uri);
    return pem ? pemSigner(pem) : this.keys.signer({ uri });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!sameSecret(String(req.headers[INTERNAL_TOKEN_HEADER] ?? ''), this.internalToken))
      return problem(res, 401, 'INTERNAL_CREDENTIAL_REQUIRED', 'The internal credential is missing or wrong');
    if (req.method !== 'POST' || req.url !== '/signatures/pdf') return problem(res, 404, 'NOT_FOUND', req.url ?? '');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const form = await new Response(Buffer.concat(chunks), {
      headers: { 'content-type': String(req.headers['content-type']) },
    }).formData();
    const file = form.get('file');
    const field = (name: string) => (typeof form.get(name) === 'string' ? (form.get(name) as string) : undefined);
    const [certificateId, actingOfficialId, pin] = [field('certificateId'), field('actingOfficialId'), field('pin')];
    if (!(file instanceof Blob) || !certificateId || !actingOfficialId || !pin)
      return problem(res, 400, 'MISSING_FIELD', 'file, certificateId, actingOfficialId and pin are required');
    const caller = req.headers[CALLER_HEADER] as string | undefined;
    this.calls.push({ certificateId, actingOfficialId, reason: field('reason'), caller });

    const auth = await new InternalClient(this.registryUrl(), this.internalToken).json(
      'POST',
      SIGNING_AUTHORIZATIONS_PATH,
      signingAuthorizationAnswer,
      { certificateId, actingOfficialId, pin },
      { caller: decodeCaller(caller) },
    );
    if (!auth.allowed)
      return problem(res, 403, 'SIGNING_NOT_ALLOWED', auth.message, {
        reason: auth.code,
        message: auth.message,
        messageVi: auth.messageVi,
      });
    const signed = await signPdf(new Uint8Array(await file.arrayBuffer()), {
      signer: await this.signerFor(auth.certificate.keyUri),
      certificate: Certificate.parse(auth.certificate.certificatePem),
      chain: (auth.certificate.chainPem ?? []).map((pem) => Certificate.parse(pem)),
      signingTime: new Date(),
      reason: field('reason'),
      location: field('location'),
    });
    res.writeHead(200, { 'content-type': 'application/pdf', [SIGNATURE_ID_HEADER]: randomUUID() });
    res.end(Buffer.from(signed));
  }
}

function pemSigner(pem: string): RawSigner {
  const key = createPrivateKey(pem);
  return {
    algorithm: 'ECDSA-P256-SHA256',
    sign: async (data) => new Uint8Array(cryptoSign('sha256', data, { key, dsaEncoding: 'der' })),
  };
}

function problem(res: ServerResponse, status: number, code: string, detail: string, extra: object = {}): void {
  res.writeHead(status, { 'content-type': PROBLEM_CONTENT_TYPE });
  res.end(JSON.stringify({ type: 'about:blank', title: code, status, code, detail, ...extra }));
}
