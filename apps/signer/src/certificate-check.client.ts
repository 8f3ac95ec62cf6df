import { InternalClient, malformedAnswer } from '@kyso/common';
import {
  CERTIFICATE_CHECKS_PATH,
  certificateCheckAnswer,
  CertificateCheckPurpose,
  CertificateCheckResultDto,
} from '@kyso/contracts';
import { Certificate } from '@kyso/pki';
import { CertificateCheck, CertificateCheckResult } from './signing-seams';

/** Stable refusal codes of the pre-signing check (problem+json `code`). */
export const CERTIFICATE_CHECK_CODES = {
  revoked: 'CERTIFICATE_REVOKED',
  unknown: 'CERTIFICATE_REVOCATION_UNKNOWN',
  invalid: 'CERTIFICATE_NOT_VALID',
} as const;

/** How long a caller should wait before asking again when revocation could not be established. */
export const REVOCATION_RETRY_AFTER_SECONDS = 30;

const REVOKED = new Set(['REVOKED', 'CA_REVOKED']);

/** The verifier's answer as the seam's outcome: only TOTAL-PASSED signs; unknown revocation is a retry, never a pass. */
export function toCheckResult(answer: CertificateCheckResultDto): CertificateCheckResult {
  if (answer.indication === 'TOTAL-PASSED') {
    const der = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));
    return {
      ok: true,
      evidence: {
        certificates: answer.evidence.certificatesPem.map((pem) => Certificate.parse(pem)),
        crls: answer.evidence.crls.map(der),
        ocsps: answer.evidence.ocsps.map(der),
      },
    };
  }
  const reasons = answer.reasons.map(({ code, message, messageVi }) => ({ code, message, messageVi }));
  const first = reasons[0] ?? {
    code: answer.subIndication ?? answer.indication,
    message: 'The certificate did not validate',
    messageVi: 'Chứng thư số không hợp lệ',
  };
  if (reasons.some((r) => REVOKED.has(r.code)))
    return {
      ok: false,
      code: CERTIFICATE_CHECK_CODES.revoked,
      message: `Signing refused: ${reasons.find((r) => REVOKED.has(r.code))!.message}`,
      messageVi: `Từ chối ký: ${reasons.find((r) => REVOKED.has(r.code))!.messageVi}`,
      reasons,
    };
  if (answer.subIndication === 'TRY_LATER' || reasons.some((r) => r.code === 'REVOCATION_STATUS_UNKNOWN'))
    return {
      ok: false,
      code: CERTIFICATE_CHECK_CODES.unknown,
      message: "Signing refused: the certificate's revocation status could not be established; try again later",
      messageVi: 'Từ chối ký: chưa xác định được tình trạng thu hồi của chứng thư số; vui lòng thử lại sau',
      retryAfterSeconds: REVOCATION_RETRY_AFTER_SECONDS,
      reasons,
    };
  return {
    ok: false,
    code: CERTIFICATE_CHECK_CODES.invalid,
    message: `Signing refused: ${first.message}`,
    messageVi: `Từ chối ký: ${first.messageVi}`,
    reasons,
  };
}

/** The verifier's judgement through `POST /internal/certificate-checks` (its revocation service and cache). */
export class VerifierCertificateCheck extends CertificateCheck {
  constructor(private readonly verifier: InternalClient) {
    super();
  }

  async check(
    certificate: Certificate,
    chain: Certificate[],
    requestId?: string,
    purpose?: CertificateCheckPurpose,
  ): Promise<CertificateCheckResult> {
    const answer = await this.verifier.json(
      'POST',
      CERTIFICATE_CHECKS_PATH,
      certificateCheckAnswer,
      { certificatePem: certificate.toPem(), chainPem: chain.map((c) => c.toPem()), purpose },
      requestId,
    );
    try {
      return toCheckResult(answer);
    } catch (e) {
      throw malformedAnswer(this.verifier.name, 'evidence that is not certificates', (e as Error).message);
    }
  }
}
