import { SignedDataVerification } from '../cms';
import { failed, indeterminate, IndicationResult } from '../indication';
import { TimestampReport, SignatureReport } from '../report';
import type { RevocationChecker, RevocationStatus } from '../revocation/types';
import {
  findMissingIssuers,
  IssuerFetcher,
  PathValidationResult,
  reason,
  validatePath,
  ValidationReason,
} from '../validation';
import {
  AlgorithmPolicy,
  cryptoRefusals,
  pathCryptoRefusals,
  STRICT_ALGORITHM_POLICY,
} from '../validation/algorithm-policy';
import { Certificate } from '../x509/certificate';
import { judgePastSignature, ProvenTime, signedBeforeIssuance, timestampOrderProblem } from './poe';
import { chainEntries, signerSummary } from './signer-summary';
import { CheckedTimestamp, timestampFact } from './timestamps';

/**
 * What PAdES and CAdES validation share once the CMS is in hand: the signer's path, the judgement
 * of ETSI EN 319 102-1 5.3 and the report parts. The container-specific checks (byte ranges,
 * document changes) stay with each format.
 */

/** The facts of one CMS signature the judgement needs. */
export interface CmsSignatureFacts {
  cms: SignedDataVerification;
  /** Null only when there is no signer certificate. */
  path: PathValidationResult | null;
  claimedSigningTime: Date | null;
  timestamps: CheckedTimestamp[];
  proven: ProvenTime;
  judgedAt: Date;
}

export interface JudgementOptions {
  algorithmPolicy?: AlgorithmPolicy;
  requireRevocation?: boolean;
}

export interface SignerPathOptions {
  trustAnchors: Certificate[];
  issuerFetcher?: IssuerFetcher;
  algorithmPolicy?: AlgorithmPolicy;
}

export type Judged = { result: IndicationResult; reasons: ValidationReason[] };

/** The signer's path at `judgedAt`, completed by AIA downloads when the certificates in hand do not reach an anchor. */
export async function validateSignerPath(
  cms: SignedDataVerification | null,
  known: Certificate[],
  opts: SignerPathOptions,
  judgedAt: Date,
  revocation: { checker: RevocationChecker; required: boolean } | undefined,
): Promise<PathValidationResult | null> {
  if (!cms?.signerCertificate) return null;
  const missing = opts.issuerFetcher
    ? await findMissingIssuers(cms.signerCertificate, known, opts.trustAnchors, opts.issuerFetcher)
    : null;
  const pathOptions = {
    leaf: cms.signerCertificate,
    intermediates: missing?.intermediates ?? known,
    trustAnchors: opts.trustAnchors,
    validationTime: judgedAt,
    purpose: 'documentSigning' as const,
    algorithmPolicy: opts.algorithmPolicy,
  };
  const validated = revocation ? await validatePath({ ...pathOptions, revocation }) : validatePath(pathOptions);
  return withIssuerProblems(validated, missing?.problems ?? []);
}

/** A chain left incomplete says why the AIA caIssuers downloads did not complete it (refused, unparsable, ...). */
function withIssuerProblems<P extends { reasons: ValidationReason[] } | null>(path: P, problems: string[]): P {
  if (!path || !problems.length) return path;
  const reasons = path.reasons.map((r) =>
    r.code === 'NO_CERTIFICATE_CHAIN_FOUND' ? { ...r, detail: [r.detail, ...problems].filter(Boolean).join('; ') } : r,
  );
  return { ...path, reasons };
}

/**
 * Judges a CMS signature in the order of ETSI EN 319 102-1 5.3 (basic validation): format, then the
 * cryptographic checks that fail definitively (TOTAL-FAILED), then identification of the signing
 * certificate, then X.509 validation; the first failure decides the indication.
 */
export function judgeCmsSignature(f: CmsSignatureFacts, opts: JudgementOptions, extraHashFailure = false): Judged {
  const problems = (list: readonly string[]) => list.join(', ') || undefined;
  const cms = f.cms;
  if (!cms.formatOk)
    return {
      result: failed('FORMAT_FAILURE'),
      reasons: [reason('FORMAT_FAILURE', { detail: problems(cms.problems) })],
    };
  if ((cms.digestAlgorithm && !cms.messageDigestMatches) || extraHashFailure)
    return { result: failed('HASH_FAILURE'), reasons: [reason('HASH_FAILURE')] };
  if (!cms.signerCertificate)
    return { result: indeterminate('NO_SIGNING_CERTIFICATE_FOUND'), reasons: [reason('NO_SIGNING_CERTIFICATE_FOUND')] };
  if (!cms.signatureAlgorithm || !cms.digestAlgorithm) {
    return {
      result: indeterminate('CRYPTO_CONSTRAINTS_FAILURE'),
      reasons: [reason('FORMAT_FAILURE', { detail: problems(cms.problems) })],
    };
  }
  if (!cms.signatureValid) return { result: failed('SIG_CRYPTO_FAILURE'), reasons: [reason('SIG_CRYPTO_FAILURE')] };
  // Algorithms are judged at the time the signature is proven to exist (the POE, else now).
  const policy = opts.algorithmPolicy ?? STRICT_ALGORITHM_POLICY;
  const refused = cms.crypto ? cryptoRefusals(policy, cms.crypto, f.judgedAt) : [];
  if (refused.length > 0) {
    return {
      result: indeterminate('CRYPTO_CONSTRAINTS_FAILURE_NO_POE'),
      reasons: [reason('SIGNATURE_ALGORITHM_NOT_ALLOWED', { detail: refused.join('; ') })],
    };
  }
  if (cms.signingCertificateV2Matches === false) {
    return { result: indeterminate('NO_SIGNING_CERTIFICATE_FOUND'), reasons: [reason('SIGNING_CERTIFICATE_MISMATCH')] };
  }
  const invalidTimestamps = f.timestamps
    .filter((t) => !t.validation.valid)
    .flatMap((t) => t.validation.reasons.filter((r) => r.code === 'TIMESTAMP_INVALID'));
  const order = timestampOrderProblem(f.claimedSigningTime, f.timestamps.map(timestampFact));
  if (order) return { result: indeterminate('TIMESTAMP_ORDER_FAILURE'), reasons: [...invalidTimestamps, order] };
  // R25: the claimed signing time is only a claim: the path is judged at the POE, else now.
  const path = f.path!;
  // Only a path that fails for its dates alone goes on to the time checks (EN 319 102-1 5.5.4).
  const early = path.subIndication === 'NOT_YET_VALID' && signedBeforeIssuance(cms.signerCertificate, f.proven.poe);
  if (early) {
    const detail = `proven at ${f.proven.poe!.toISOString()}, notBefore ${cms.signerCertificate.notBefore.toISOString()}`;
    return { result: early, reasons: [...invalidTimestamps, reason('SIGNED_BEFORE_CERTIFICATE_ISSUANCE', { detail })] };
  }
  const past = judgePastSignature(path, f.proven.poe, f.proven.evidenceId);
  past.reasons.push(...invalidTimestamps);
  if (!path.valid) return past;
  const pathRefused = pathCryptoRefusals(policy, path.chain, f.judgedAt);
  if (pathRefused.length > 0) {
    return {
      result: indeterminate('CRYPTO_CONSTRAINTS_FAILURE_NO_POE'),
      reasons: pathRefused.map((r) =>
        reason('ALGORITHM_NOT_ALLOWED', { certificateIndex: r.certificateIndex, detail: r.refusal }),
      ),
    };
  }
  if (opts.requireRevocation && !path.revocation.checked) {
    return { result: indeterminate('TRY_LATER'), reasons: [...past.reasons, reason('REVOCATION_REQUIRED')] };
  }
  return past;
}

/** One timestamp as the report shows it: what it proves and whether it holds. */
export function timestampReport(t: CheckedTimestamp, trustAnchors: readonly Certificate[]): TimestampReport {
  const v = t.validation;
  return {
    type: t.type,
    fieldName: t.fieldName,
    genTime: v.genTime?.toISOString() ?? null,
    indication: v.result.indication,
    subIndication: v.result.subIndication ?? null,
    tsa: signerSummary(v.tsaCertificate ?? undefined),
    chain: chainEntries(v.path?.chain ?? (v.tsaCertificate ? [v.tsaCertificate] : []), trustAnchors),
    reasons: v.reasons,
  };
}

/** The signer certificate's revocation evidence, as the report shows it. */
export function revocationSummary(path: PathValidationResult | null): SignatureReport['revocation'] {
  const leaf: RevocationStatus | undefined = path?.revocation.status[0];
  if (!path?.revocation.checked || !leaf) return { checked: false, source: null, producedAt: null, fetchedAt: null };
  const produced = leaf.producedAt ?? leaf.thisUpdate;
  return {
    checked: true,
    source: leaf.source,
    producedAt: produced?.toISOString() ?? null,
    fetchedAt: leaf.fetchedAt?.toISOString() ?? null,
  };
}
