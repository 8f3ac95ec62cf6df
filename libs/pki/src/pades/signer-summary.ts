import { ChainEntry, SignerInfoSummary } from '../report';
import { Certificate } from '../x509/certificate';

/** Who signed, as the certificate says it (facts for the report, not checked against the registry). */
export function signerSummary(cert: Certificate | undefined): SignerInfoSummary {
  if (!cert) return { name: null, organisation: null, title: null, email: null, certificateSerial: null, issuer: null };
  const s = cert.subject;
  const org = [s.get('O'), ...s.getAll('OU')].filter((v): v is string => !!v);
  return {
    name: s.get('CN') ?? null,
    organisation: org.length ? org.join(', ') : null,
    title: s.get('title') ?? null,
    email: s.get('E') ?? null,
    certificateSerial: cert.serialNumberHex,
    issuer: cert.issuer.toString(),
  };
}

export function chainEntries(chain: Certificate[], trustAnchors: readonly Certificate[]): ChainEntry[] {
  const anchors = new Set(trustAnchors.map((a) => a.sha256Hex));
  return chain.map((c) => ({
    subject: c.subject.toString(),
    issuer: c.issuer.toString(),
    serialNumber: c.serialNumberHex,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    sha256: c.sha256Hex,
    trustAnchor: anchors.has(c.sha256Hex),
  }));
}
