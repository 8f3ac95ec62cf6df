import { Certificate, DevCa, embeddedRevocationChecker, failing, TSP_OID, validatePath } from '@kyso/pki';
import { CertificateCheck, CertificateCheckResult } from '../src/signing-seams';

/**
 * The pre-signing check without a verifier service: the same path validation (anchors, validity
 * now, usage, revocation required) over revocation evidence the test hands in (real CRLs/OCSP
 * from a DevCa). `evidence()` is read on every check, so a test can revoke and re-issue the CRL.
 */
export class LocalCertificateCheck extends CertificateCheck {
  readonly calls: { serial: string; purpose: string }[] = [];

  constructor(
    private readonly anchors: Certificate[],
    private readonly evidence: () => Promise<{ crls: Uint8Array[]; ocsps?: Uint8Array[] }>,
  ) {
    super();
  }

  async check(
    certificate: Certificate,
    chain: Certificate[],
    _requestId?: string,
    purpose: 'document-signing' | 'timestamping' = 'document-signing',
  ): Promise<CertificateCheckResult> {
    this.calls.push({ serial: certificate.serialNumberHex, purpose });
    const { crls, ocsps = [] } = await this.evidence();
    const now = new Date();
    const r = await validatePath({
      leaf: certificate,
      intermediates: chain,
      trustAnchors: this.anchors,
      validationTime: now,
      purpose: purpose === 'timestamping' ? TSP_OID.timeStamping : 'documentSigning',
      revocation: {
        checker: embeddedRevocationChecker(
          { certs: [], crls, ocsps },
          { trustAnchors: this.anchors, clock: () => now },
        ),
        required: true,
      },
    });
    if (r.valid)
      return {
        ok: true,
        evidence: {
          certificates: r.chain,
          crls: r.revocation.status.filter((s) => s.source === 'crl' && s.evidence).map((s) => s.evidence!),
          ocsps: r.revocation.status.filter((s) => s.source === 'ocsp' && s.evidence).map((s) => s.evidence!),
        },
      };
    const reasons = failing(r.reasons).map(({ code, message, messageVi }) => ({ code, message, messageVi }));
    const revoked = reasons.find((x) => x.code === 'REVOKED' || x.code === 'CA_REVOKED');
    const first = revoked ?? reasons[0];
    return {
      ok: false,
      code: revoked ? 'CERTIFICATE_REVOKED' : 'CERTIFICATE_NOT_VALID',
      message: `Signing refused: ${first?.message}`,
      messageVi: `Từ chối ký: ${first?.messageVi}`,
      reasons,
    };
  }
}

/** The check against one dev root that publishes a fresh CRL on every check. */
export function localCheckFor(root: DevCa): LocalCertificateCheck {
  return new LocalCertificateCheck([root.certificate], async () => ({ crls: [await root.issueCrl()] }));
}
