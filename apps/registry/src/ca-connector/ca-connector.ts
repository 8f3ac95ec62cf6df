import type { Certificate } from '@kyso/pki';
import type { LifecycleRequest } from '../requests/request';

/** The CA's answer to a sent request: a certificate issued, a revocation done, or the work done (recovery, return). */
export type CaAnswer =
  | { kind: 'certificate'; certificate: Certificate; chain: Certificate[]; keyUri?: string }
  | { kind: 'revocation'; revokedAt: Date }
  | { kind: 'done' };

/** What the connector knows of the request's subject, read by the registry. */
export interface SubjectFacts {
  subjectType: 'person' | 'organization' | 'device';
  official?: { fullName: string; email: string; title: string };
  organization: { name: string; parentName: string | null; address: string | null };
  /** The key to certify: given by the IT officer's tool (base64 DER SPKI) or the certificate being renewed. */
  publicKeySpki?: Uint8Array;
}

/**
 * The CA: the dev connector answers at once; a real CA (the manual connector) answers later, when
 * an operator imports its answer with `POST /requests/{id}/fulfil`.
 */
export abstract class CaConnector {
  abstract readonly kind: 'dev' | 'manual';
  /** Called in the send transaction; an answer fulfils the request at once. */
  abstract onSent(request: LifecycleRequest, subject: SubjectFacts): Promise<CaAnswer | undefined>;
}
