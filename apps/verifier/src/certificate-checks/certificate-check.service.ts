import { Certificate, failing, RevocationChecker, TSP_OID, validatePath } from '@kyso/pki';
import type { Clock } from '@kyso/common';
import type { TrustAnchorSource } from '../trust-anchors';

/** One certificate judged now, with what proved it (the evidence a B-LT signature embeds). */
export interface CertificateCheckOutcome {
  indication: 'TOTAL-PASSED' | 'TOTAL-FAILED' | 'INDETERMINATE';
  subIndication?: string;
  reasons: { code: string; message: string; messageVi: string; certificateIndex?: number }[];
  certificates: Certificate[];
  crls: Uint8Array[];
  ocsps: Uint8Array[];
  checkedAt: Date;
}

/**
 * The verifier's judgement of a signer's certificate before signing (Art 29, R14): the same path
 * validation a signature gets (document-signing anchors, validity now, key usage/EKU for document
 * signing) with revocation required and fetched through the verifier's queue and CRL cache.
 */
export class CertificateCheckService {
  constructor(
    private readonly anchors: TrustAnchorSource,
    /** A fresh checker per check (the verifier's queued fetcher over its CRL cache). */
    private readonly revocation: (anchors: readonly Certificate[]) => RevocationChecker,
    private readonly clock: Clock,
  ) {}

  /** `timestamping`: a TSA's certificate, judged with the timestamping anchors and EKU (as verifyPdf does). */
  async check(
    certificate: Certificate,
    chain: Certificate[],
    purpose: 'document-signing' | 'timestamping' = 'document-signing',
  ): Promise<CertificateCheckOutcome> {
    const checkedAt = this.clock.now();
    const trustAnchors = await this.anchors.get(purpose);
    const result = await validatePath({
      leaf: certificate,
      intermediates: chain,
      trustAnchors,
      validationTime: checkedAt,
      purpose: purpose === 'timestamping' ? TSP_OID.timeStamping : 'documentSigning',
      revocation: { checker: this.revocation(trustAnchors), required: true },
    });
    const crls: Uint8Array[] = [];
    const ocsps: Uint8Array[] = [];
    for (const s of result.revocation.status) {
      if (s.evidence && s.source === 'crl') crls.push(s.evidence);
      if (s.evidence && s.source === 'ocsp') ocsps.push(s.evidence);
    }
    // Only failing reasons refuse a signature; warnings and informational ones are not sent.
    const reasons = failing(result.reasons).map((r) => ({
      code: r.code,
      message: r.message,
      messageVi: r.messageVi,
      ...(r.certificateIndex !== undefined && { certificateIndex: r.certificateIndex }),
    }));
    return {
      indication: result.indication,
      subIndication: result.indication === 'TOTAL-PASSED' ? undefined : result.subIndication,
      reasons,
      certificates: result.chain,
      crls: unique(crls),
      ocsps: unique(ocsps),
      checkedAt,
    };
  }
}

/** A CRL covering two certificates of the path is embedded once. */
function unique(items: Uint8Array[]): Uint8Array[] {
  const seen = new Set<string>();
  return items.filter((b) => {
    const k = Buffer.from(b).toString('base64');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
