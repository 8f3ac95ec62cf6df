import { InternalClient, ProblemError } from '@kyso/common';
import {
  CertificateViewDto,
  certificateViewListAnswer,
  OfficialSummaryDto,
  officialSummaryAnswer,
  SIGNATURE_CHECKS_PATH,
  signatureCheckAnswer,
  SignatureCheckItemDto,
} from '@kyso/contracts';
import { isCompetentTitle, purposeRefusal, PurposeRuleRefusal } from './purpose-rules';

/** Port: how the verifier's engine judges the signatures already on a document. */
export abstract class DocumentSignatureCheck {
  abstract check(pdf: Uint8Array, requestId?: string): Promise<SignatureCheckItemDto[]>;
}

/** No verifier configured: nothing can be judged, so an issuing signature is refused (503). */
export class NoDocumentSignatureCheck extends DocumentSignatureCheck {
  check(): Promise<SignatureCheckItemDto[]> {
    return Promise.reject(
      new ProblemError(503, 'VERIFIER_NOT_CONFIGURED', 'Service unavailable', 'KYSO_VERIFIER_URL is not set'),
    );
  }
}

/** Port: the registry's officials and their certificates, read as the signer service itself. */
export abstract class OfficialDirectory {
  abstract official(id: string, requestId?: string): Promise<OfficialSummaryDto | undefined>;
  abstract certificatesOf(officialId: string, requestId?: string): Promise<CertificateViewDto[]>;
}

/** The verifier's `POST /internal/signature-checks`: the same engine, anchors and revocation as a validation. */
export class VerifierDocumentSignatureCheck extends DocumentSignatureCheck {
  constructor(private readonly verifier: InternalClient) {
    super();
  }

  async check(pdf: Uint8Array, requestId?: string): Promise<SignatureCheckItemDto[]> {
    const form = new FormData();
    form.append('file', new Blob([Buffer.from(pdf)], { type: 'application/pdf' }), 'document.pdf');
    const res = await this.verifier.request('POST', SIGNATURE_CHECKS_PATH, { body: form, requestId });
    const text = await res.text();
    if (!res.ok) throw new Error(`the verifier answered ${res.status} to a signature check: ${text.slice(0, 200)}`);
    return signatureCheckAnswer(JSON.parse(text), this.verifier.name).signatures;
  }
}

export class HttpOfficialDirectory extends OfficialDirectory {
  constructor(private readonly registry: InternalClient) {
    super();
  }

  async official(id: string, requestId?: string): Promise<OfficialSummaryDto | undefined> {
    const res = await this.registry.request('GET', `/officials/${encodeURIComponent(id)}`, { requestId });
    if (res.status === 404 || res.status === 400) return undefined;
    const text = await res.text();
    if (!res.ok) throw new Error(`the registry answered ${res.status} for an official: ${text.slice(0, 200)}`);
    return officialSummaryAnswer(JSON.parse(text), this.registry.name);
  }

  certificatesOf(officialId: string, requestId?: string): Promise<CertificateViewDto[]> {
    return this.registry.json(
      'GET',
      `/certificates?holderOfficialId=${encodeURIComponent(officialId)}&limit=100`,
      certificateViewListAnswer,
      undefined,
      requestId,
    );
  }
}

/**
 * R17: the organisation's certificate goes only onto a document that carries a signature which the
 * verifier judges TOTAL-PASSED, with only allowed changes after it, made with a personal
 * certificate the registry holds for `leaderOfficialId`, an active official of the organisation
 * (or one it manages: the same organisation here) whose title is competent to sign.
 */
export async function leaderSignatureRefusal(
  pdf: Uint8Array,
  leaderOfficialId: string,
  organizationId: string,
  ports: { signatures: DocumentSignatureCheck; directory: OfficialDirectory },
  requestId?: string,
): Promise<PurposeRuleRefusal | undefined> {
  const official = await ports.directory.official(leaderOfficialId, requestId);
  if (!official) return purposeRefusal('LEADER_SIGNATURE_REQUIRED', `no official ${leaderOfficialId}`);
  if (official.organizationId !== organizationId)
    return purposeRefusal('LEADER_SIGNATURE_REQUIRED', `${official.fullName} is not an official of this organisation`);
  if (!isCompetentTitle(official.title))
    return purposeRefusal('LEADER_SIGNATURE_REQUIRED', `the title "${official.title}" is not competent to sign`);
  const personal = new Set(
    (await ports.directory.certificatesOf(leaderOfficialId, requestId))
      .filter((c) => c.subjectType === 'person' && c.organizationId === organizationId)
      .map((c) => c.sha256.toUpperCase()),
  );
  const signatures = await ports.signatures.check(pdf, requestId);
  const theirs = signatures.filter((s) => s.certificateSha256 && personal.has(s.certificateSha256.toUpperCase()));
  if (theirs.length === 0)
    return purposeRefusal('LEADER_SIGNATURE_REQUIRED', `no signature of ${official.fullName} on the document`);
  if (!theirs.some((s) => s.indication === 'TOTAL-PASSED' && s.changesAllowed)) {
    const s = theirs[0];
    return purposeRefusal(
      'LEADER_SIGNATURE_REQUIRED',
      `the signature of ${official.fullName} is ${s.indication}${s.subIndication ? `/${s.subIndication}` : ''}`,
    );
  }
  return undefined;
}
