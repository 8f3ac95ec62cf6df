import {
  Certificate,
  CMS_OID,
  findSignatures,
  parseSignedData,
  PkiFormatError,
  signedByteRanges,
  TimestampClient,
  timestampPdf,
  verifySignedData,
  verifyTimeStampToken,
} from '@kyso/pki';
import { MAX_CHECK_CHAIN } from '@kyso/contracts';
import { appendDss, readDss } from '@kyso/pki/pdf';
import { CertificateCheck, CertificateCheckResult, SigningEvidence, TimestampAuthority } from './signing-seams';
import { TsaUnavailableError } from './timestamp-authority';

/** PAdES baseline levels (ETSI EN 319 142-1 6): each adds to the one before it. */
export const PADES_LEVELS = ['B-B', 'B-T', 'B-LT', 'B-LTA'] as const;
export type PadesLevel = (typeof PADES_LEVELS)[number];
/** What an existing signed PDF can be extended to. */
export const EXTEND_LEVELS = ['B-LT', 'B-LTA'] as const;
export type ExtendLevel = (typeof EXTEND_LEVELS)[number];

/** Seconds a caller should wait after a TSA outage. */
export const TSA_RETRY_AFTER_SECONDS = 30;

/** Why a level could not be reached: never answered with a weaker one instead. */
export type LevelRefusal =
  | { code: 'TSA_NOT_CONFIGURED'; detail: string }
  | { code: 'TSA_UNAVAILABLE'; detail: string; retryAfterSeconds: number }
  | { code: 'NO_SIGNATURES'; detail: string }
  | { code: 'SIGNATURE_INVALID'; detail: string }
  | { code: 'EVIDENCE_REFUSED'; check: Extract<CertificateCheckResult, { ok: false }>; detail: string };

export type LevelOutcome =
  { ok: true; pdf: Uint8Array; evidence: SigningEvidence; timestampTime?: Date } | { ok: false; refusal: LevelRefusal };

export const needsTsa = (level: PadesLevel) => level !== 'B-B';

/** The TSA for `level`: none for B-B; a refusal when the level needs one and none is configured. */
export function tsaFor(
  level: PadesLevel,
  authority: TimestampAuthority,
): { ok: true; tsa?: TimestampClient } | { ok: false; refusal: LevelRefusal } {
  if (!needsTsa(level)) return { ok: true };
  const client = authority.client();
  // Whatever the transport throws is the TSA's outage, told apart from the token's.
  if (client)
    return {
      ok: true,
      tsa: (request) =>
        client(request).catch((e: unknown) =>
          Promise.reject(
            e instanceof TsaUnavailableError ? e : new TsaUnavailableError(String((e as Error)?.message ?? e)),
          ),
        ),
    };
  return {
    ok: false,
    refusal: {
      code: 'TSA_NOT_CONFIGURED',
      detail: `Level ${level} needs a time-stamping authority and none is configured (KYSO_TSA_URL)`,
    },
  };
}

/** A TSA that is down, slow or answers garbage (or a refusal) makes the request unavailable, not weaker. */
export function tsaFailure(e: unknown): LevelRefusal | undefined {
  if (e instanceof TsaUnavailableError || (e instanceof PkiFormatError && e.code.startsWith('TSP_')))
    return {
      code: 'TSA_UNAVAILABLE',
      detail: `The time-stamping authority is unavailable: ${e.message}`,
      retryAfterSeconds: TSA_RETRY_AFTER_SECONDS,
    };
  return undefined;
}

const key = (b: Uint8Array) => Buffer.from(b).toString('base64');

/** Evidence of several checks as one DSS's content, each item once. */
export function mergeSigningEvidence(all: SigningEvidence[]): SigningEvidence {
  const seen = new Set<string>();
  const once = <T>(items: T[], der: (t: T) => Uint8Array) =>
    items.filter((i) => {
      const k = key(der(i));
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  return {
    certificates: once(
      all.flatMap((e) => e.certificates),
      (c) => c.der,
    ),
    crls: once(
      all.flatMap((e) => e.crls),
      (b) => b,
    ),
    ocsps: once(
      all.flatMap((e) => e.ocsps),
      (b) => b,
    ),
  };
}

/** The RFC 3161 tokens a CMS signature carries (unsigned signatureTimeStampToken attributes). */
function signatureTimestampTokens(cms: Uint8Array): Uint8Array[] {
  try {
    return parseSignedData(cms).signerInfos.flatMap((si) =>
      si.unsignedAttributes.filter((a) => a.type === CMS_OID.timeStampToken).flatMap((a) => a.values),
    );
  } catch (e) {
    if (e instanceof PkiFormatError) return [];
    throw e;
  }
}

/** Which certificate to check for one signature of the PDF (its signer's, or a TSA's). */
interface Subject {
  certificate: Certificate;
  chain: Certificate[];
  purpose: 'document-signing' | 'timestamping';
}

/** A certificate of the evidence did not validate: what the check said. */
export class EvidenceRefused extends Error {
  constructor(readonly check: Extract<CertificateCheckResult, { ok: false }>) {
    super(check.message);
  }
}

/**
 * The signer's evidence and that of the TSA behind `token` (its path, checked for timestamping,
 * with the CRL/OCSP answers), for a CAdES B-LT signature; throws EvidenceRefused when the TSA's
 * certificate does not validate.
 */
export async function withTsaEvidence(
  checks: CertificateCheck,
  signerEvidence: SigningEvidence,
  token: Uint8Array,
  requestId?: string,
): Promise<SigningEvidence> {
  const gathered = [signerEvidence];
  for (const s of tsaSubject(token, signerEvidence.certificates)) {
    const r = await checks.check(s.certificate, s.chain, requestId, s.purpose);
    if (!r.ok) throw new EvidenceRefused(r);
    gathered.push(r.evidence);
  }
  return mergeSigningEvidence(gathered);
}

/**
 * Adds what B-LT and B-LTA need to a signed PDF: the DSS with every certificate of each path and
 * the CRL/OCSP answers proving its status (signers' and TSAs'), a VRI entry per signature, and for
 * B-LTA a document timestamp over all of it. The evidence comes from the pre-signing check (the
 * verifier's revocation service), never from a second source.
 */
export class PadesLevels {
  constructor(
    private readonly checks: CertificateCheck,
    private readonly authority: TimestampAuthority,
    private readonly now: () => Date,
  ) {}

  /**
   * The level of a PDF just signed at `level` (B-T included in the signature already).
   * `signerEvidence` is the pre-signing check's; the new signature is the PDF's last one.
   */
  async complete(
    signed: Uint8Array,
    level: PadesLevel,
    signerEvidence: SigningEvidence,
    tsa: TimestampClient | undefined,
    requestId?: string,
  ): Promise<LevelOutcome> {
    const last = findSignatures(signed).at(-1);
    const timestampTime = last && firstTimestampTime(last.contents);
    if (level === 'B-B' || level === 'B-T') return { ok: true, pdf: signed, evidence: signerEvidence, timestampTime };
    // A TSA's token often carries its own certificate only: the signer's path offers the CAs.
    const known = signerEvidence.certificates;
    const tsaSubjects = last ? signatureTimestampTokens(last.contents).flatMap((t) => tsaSubject(t, known)) : [];
    return this.addLongTerm(
      signed,
      level,
      [signerEvidence],
      tsaSubjects,
      last ? [last.contents] : [],
      tsa!,
      requestId,
      timestampTime,
    );
  }

  /** B-LT or B-LTA for a PDF signed before (by Kyso or another tool): every signature and timestamp covered. */
  async extend(pdf: Uint8Array, level: ExtendLevel, requestId?: string): Promise<LevelOutcome> {
    const tsa = tsaFor(level, this.authority);
    if (!tsa.ok) return tsa;
    const fields = findSignatures(pdf);
    if (fields.length === 0)
      return { ok: false, refusal: { code: 'NO_SIGNATURES', detail: 'The PDF carries no signature to extend' } };
    const subjects: Subject[] = [];
    const tokens: Uint8Array[] = [];
    for (const f of fields) {
      if (f.subFilter === 'ETSI.RFC3161') {
        tokens.push(f.contents);
        continue;
      }
      const v = verifySignedData(f.contents, signedByteRanges(pdf, f.byteRange));
      if (!v.signatureValid || !v.messageDigestMatches || !v.signerCertificate)
        return {
          ok: false,
          refusal: {
            code: 'SIGNATURE_INVALID',
            detail: `Signature ${f.fieldName ?? ''} does not verify (${v.problems.join(', ') || 'digest or signature'}): extending it would vouch for it`,
          },
        };
      const signer = v.signerCertificate;
      subjects.push({
        certificate: signer,
        chain: v.certificates.filter((c) => c !== signer).slice(0, MAX_CHECK_CHAIN),
        purpose: 'document-signing',
      });
      tokens.push(...signatureTimestampTokens(f.contents));
    }
    // Every certificate of the document may complete a TSA's path (its token often carries only its own).
    const known = [...subjects.flatMap((s) => [s.certificate, ...s.chain]), ...readDssCertificates(pdf)];
    subjects.push(...tokens.flatMap((t) => tsaSubject(t, known)));
    return this.addLongTerm(
      pdf,
      level,
      [],
      subjects,
      fields.map((f) => f.contents),
      tsa.tsa!,
      requestId,
    );
  }

  private async addLongTerm(
    pdf: Uint8Array,
    level: PadesLevel,
    known: SigningEvidence[],
    subjects: Subject[],
    vriFor: Uint8Array[],
    tsa: TimestampClient,
    requestId: string | undefined,
    timestampTime?: Date,
  ): Promise<LevelOutcome> {
    const gathered = [...known];
    for (const s of subjects) {
      const r = await this.checks.check(s.certificate, s.chain, requestId, s.purpose);
      if (!r.ok)
        return {
          ok: false,
          refusal: {
            code: 'EVIDENCE_REFUSED',
            check: r,
            detail: `${s.purpose === 'timestamping' ? 'A TSA' : 'A signer'} certificate (${s.certificate.subject.get('CN') ?? s.certificate.serialNumberHex}) did not validate: ${r.message}`,
          },
        };
      gathered.push(r.evidence);
    }
    const evidence = mergeSigningEvidence(gathered);
    let out = appendDss(pdf, {
      certs: evidence.certificates.map((c) => c.der),
      crls: evidence.crls,
      ocsps: evidence.ocsps,
      vriFor,
    });
    if (level === 'B-LTA') {
      try {
        out = await timestampPdf(out, { tsa, time: this.now() });
      } catch (e) {
        const refusal = tsaFailure(e);
        if (refusal) return { ok: false, refusal };
        throw e;
      }
    }
    return { ok: true, pdf: out, evidence, timestampTime };
  }
}

/** A token's TSA certificate, with the certificates it carries and `known` ones as candidate CAs; nothing when unreadable. */
function tsaSubject(token: Uint8Array, known: Certificate[]): Subject[] {
  const v = verifyTimeStampToken(token);
  if (!v.tsaCertificate) return [];
  const tsaCert = v.tsaCertificate;
  const seen = new Set([tsaCert.sha256Hex]);
  const chain = [...v.certificates, ...known]
    .filter((c) => !seen.has(c.sha256Hex) && !!seen.add(c.sha256Hex))
    .slice(0, MAX_CHECK_CHAIN);
  return [{ certificate: tsaCert, chain, purpose: 'timestamping' }];
}

/** The certificates an earlier extension stored in the DSS (unreadable entries skipped). */
function readDssCertificates(pdf: Uint8Array): Certificate[] {
  return readDss(pdf).certs.flatMap((der) => {
    try {
      return [Certificate.fromDer(der)];
    } catch {
      return [];
    }
  });
}

function firstTimestampTime(cms: Uint8Array): Date | undefined {
  const token = signatureTimestampTokens(cms)[0];
  return token ? verifyTimeStampToken(token).genTime : undefined;
}
