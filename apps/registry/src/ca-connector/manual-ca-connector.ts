import { badRequest, unprocessable } from '@kyso/common';
import { Certificate, PkiFormatError } from '@kyso/pki';
import type { LifecycleRequest } from '../requests/request';
import { CaAnswer, CaConnector } from './ca-connector';

/** What an operator imports from the CA's answer (`POST /requests/{id}/fulfil`). */
export interface ImportedAnswer {
  certificatePem?: string;
  chainPem?: string[];
  keyUri?: string;
  revokedAt?: string;
}

/** A real CA answers out of band: nothing happens at send; the operator imports the answer later. */
export class ManualCaConnector extends CaConnector {
  readonly kind = 'manual' as const;

  async onSent(): Promise<undefined> {
    return undefined;
  }
}

const parse = (pem: string, field: string): Certificate => {
  try {
    return Certificate.parse(pem);
  } catch (e) {
    if (e instanceof PkiFormatError)
      throw badRequest('MALFORMED_CERTIFICATE', `${field}: ${e.message}`, { reason: e.code, field });
    throw e;
  }
};

/**
 * Turns an imported answer into a CaAnswer for the request's type: a certificate file for issue,
 * renew, change and re-issue; the revocation confirmation (its date) for a revocation; nothing for
 * device recovery and return.
 */
export function importAnswer(request: Pick<LifecycleRequest, 'type'>, a: ImportedAnswer, now: Date): CaAnswer {
  switch (request.type) {
    case 'issue':
    case 'renew':
    case 'change':
    case 'reissue': {
      if (!a.certificatePem) {
        throw badRequest('MISSING_FIELD', 'certificatePem: the certificate the CA issued is required', {
          errors: [{ field: 'certificatePem', problem: 'missing' }],
        });
      }
      const certificate = parse(a.certificatePem, 'certificatePem');
      const chain = (a.chainPem ?? []).map((p, i) => parse(p, `chainPem[${i}]`));
      return { kind: 'certificate', certificate, chain, keyUri: a.keyUri };
    }
    case 'revoke': {
      const revokedAt = a.revokedAt ? new Date(a.revokedAt) : now;
      if (Number.isNaN(revokedAt.getTime())) throw badRequest('INVALID_FIELD', 'revokedAt: not an ISO 8601 date-time');
      if (revokedAt.getTime() > now.getTime() + 5 * 60_000)
        throw unprocessable('REVOCATION_IN_FUTURE', 'revokedAt lies in the future');
      return { kind: 'revocation', revokedAt };
    }
    case 'recover-device':
    case 'return-device':
      return { kind: 'done' };
  }
}
