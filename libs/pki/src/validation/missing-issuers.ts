import * as asn1js from 'asn1js';
import { PkiFormatError } from '../errors';
import { ACCESS_METHOD, accessUrls } from '../x509/authority-info-access';
import { Certificate } from '../x509/certificate';
import { toArrayBuffer } from '../asn1';

/** Budgets (style rule 7): AIA downloads per path completion, certificates taken from one download. */
export const MAX_ISSUER_FETCHES = 4;
export const MAX_CERTIFICATES_PER_FETCH = 16;

/** AIA caIssuers download, injected (the service queues it through its fetch workers and caches it). */
export interface IssuerFetcher {
  /** A certificate (DER or PEM) or a certs-only PKCS#7 bundle (RFC 5280 4.2.2.1). */
  fetchCertificates(url: string): Promise<Uint8Array>;
}

export interface MissingIssuers {
  /** The intermediates given plus those found. */
  intermediates: Certificate[];
  /** What was downloaded and used, for the report. */
  fetched: { url: string; certificate: Certificate }[];
  /** Downloads that failed or gave nothing usable: shown in the report, never fatal by themselves. */
  problems: string[];
}

const issuedBy = (issuer: Certificate, cert: Certificate) => issuer.subject.equals(cert.issuer);
const selfIssued = (c: Certificate) => c.subject.equals(c.issuer);

/** The certificate at the top of the chain that the pool already gives for `leaf`, or null when it reaches an anchor. */
function topWithoutIssuer(leaf: Certificate, pool: Certificate[], anchors: Certificate[]): Certificate | null {
  const seen = new Set<string>();
  let cert = leaf;
  for (;;) {
    if (anchors.some((a) => a.sha256Hex === cert.sha256Hex || issuedBy(a, cert))) return null;
    if (selfIssued(cert) || seen.has(cert.sha256Hex)) return cert;
    seen.add(cert.sha256Hex);
    const next = pool.find((c) => issuedBy(c, cert) && !seen.has(c.sha256Hex));
    if (!next) return cert;
    cert = next;
  }
}

/**
 * Completes a signer's chain when the document carries only the leaf (VGCA-signed PDFs often do):
 * follows authorityInfoAccess caIssuers of the highest certificate without a known issuer until an
 * anchor is reached or the budget is spent. Whatever comes back is only a candidate: path validation
 * still checks every signature, so a hostile download cannot make a path valid.
 */
export async function findMissingIssuers(
  leaf: Certificate,
  intermediates: readonly Certificate[],
  trustAnchors: readonly Certificate[],
  fetcher: IssuerFetcher,
): Promise<MissingIssuers> {
  const pool = [...intermediates];
  const out: MissingIssuers = { intermediates: pool, fetched: [], problems: [] };
  const tried = new Set<string>();
  for (let fetches = 0; fetches < MAX_ISSUER_FETCHES;) {
    const top = topWithoutIssuer(leaf, pool, [...trustAnchors]);
    if (!top || selfIssued(top)) return out;
    const url = accessUrls(top, ACCESS_METHOD.caIssuers).find((u) => !tried.has(u));
    if (!url) return out;
    tried.add(url);
    fetches++;
    let found: Certificate[];
    try {
      found = parseIssuerBundle(await fetcher.fetchCertificates(url));
    } catch (e) {
      out.problems.push(`caIssuers ${url}: ${(e as Error).message}`);
      continue;
    }
    const issuers = found.filter((c) => issuedBy(c, top) && !pool.some((p) => p.sha256Hex === c.sha256Hex));
    if (!issuers.length) out.problems.push(`caIssuers ${url}: no certificate issued to ${top.issuer.toString()}`);
    for (const certificate of issuers) {
      pool.push(certificate);
      out.fetched.push({ url, certificate });
    }
  }
  return out;
}

/** A caIssuers answer: one DER/PEM certificate, or the certificates of a certs-only CMS SignedData. */
export function parseIssuerBundle(bytes: Uint8Array): Certificate[] {
  try {
    return [Certificate.parse(bytes)];
  } catch {
    // not a single certificate: try PKCS#7 below
  }
  const asn = asn1js.fromBER(toArrayBuffer(bytes));
  if (asn.offset === -1) throw new PkiFormatError('MALFORMED_ISSUER_BUNDLE', 'Neither a certificate nor PKCS#7');
  // ContentInfo { contentType, [0] SignedData { version, digestAlgorithms, encapContentInfo, [0] certificates } }
  const signedData = (asn.result as asn1js.Sequence).valueBlock?.value?.[1] as asn1js.Constructed | undefined;
  const fields = (signedData?.valueBlock?.value?.[0] as asn1js.Sequence | undefined)?.valueBlock?.value ?? [];
  const certs = fields.find((f) => f.idBlock.tagClass === 3 && f.idBlock.tagNumber === 0) as asn1js.Constructed;
  if (!certs) throw new PkiFormatError('MALFORMED_ISSUER_BUNDLE', 'PKCS#7 without certificates');
  return certs.valueBlock.value
    .slice(0, MAX_CERTIFICATES_PER_FETCH)
    .filter((c) => c.idBlock.tagClass === 1 && c.idBlock.tagNumber === 16)
    .map((c) => Certificate.fromDer(new Uint8Array(c.valueBeforeDecodeView)));
}
