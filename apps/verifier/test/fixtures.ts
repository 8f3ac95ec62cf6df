import { randomBytes, randomUUID } from 'node:crypto';
import { PDFDocument } from 'pdf-lib';
import { DevCa, generateSoftwareKey, signPdf, type Certificate, type DocumentReport } from '@kyso/pki';
import { buildEvidence, type EvidenceRecord } from '../src/evidence/evidence-record';
import type { FetchRecord } from '../src/revocation/queued-fetcher';

/** A self-signed P-256 root (CN=Kyso Test Root), standing in for the registry's trust anchor. */
export const TEST_ROOT_PEM = `-----BEGIN CERTIFICATE-----
MIIBpzCCAU2gAwIBAgIUdRGK5lDXiX7H9l3w/x4a+qqmjR8wCgYIKoZIzj0EAwIw
KDEXMBUGA1UEAwwOS3lzbyBUZXN0IFJvb3QxDTALBgNVBAoMBEt5c28wIBcNMjYx
MTI1MTgyMjU1WhgPMjEyNjExMDExODIyNTVaMCgxFzAVBgNVBAMMDkt5c28gVGVz
dCBSb290MQ0wCwYDVQQKDARLeXNvMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE
o7lVTrCnTqhuxd+CO2qqH2XBunItJqQtjEXwyGNKb+qd5gV6K/GcTKQRDTWBADSE
KiqLrsFNuzYORp3O39nDaaNTMFEwHQYDVR0OBBYEFKzYT1utS7m0JWb/XVn94hpC
t+YvMB8GA1UdIwQYMBaAFKzYT1utS7m0JWb/XVn94hpCt+YvMA8GA1UdEwEB/wQF
MAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIgR4i/3txhLt3x9NrswNnxQ/Wr+YIeUd5a
+/hiN0eVHtwCIQDQOntc4bOCIfEUwZxOx1sisBTiNzWf0TyWnCi94KtiRQ==
-----END CERTIFICATE-----
`;

/** A real one-page PDF without any signature. */
export async function unsignedPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.addPage([595, 842]).drawText('Quyet dinh so 1/QD-UBND', { x: 50, y: 780, size: 14 });
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/** A PDF signed (PAdES B-B) by an official whose certificate chains to a fresh dev root. */
export async function signedPdf(): Promise<{ pdf: Buffer; rootPem: string }> {
  const root = await DevCa.createRoot({ commonName: 'Kyso Verifier Test Root', organization: 'Kyso' });
  const sub = await root.createSubordinate({ commonName: 'Kyso Verifier Test Government CA', organization: 'Kyso' });
  const key = generateSoftwareKey('ECDSA-P256-SHA256');
  const certificate = await sub.issue({
    subject: { CN: 'Nguyễn Văn A', O: 'Sở Nội vụ', title: 'Giám đốc', C: 'VN' },
    publicKeySpki: key.publicKeySpki,
    profile: 'person',
  });
  const signed = await signPdf(await unsignedPdf(), {
    signer: key.signer,
    certificate,
    chain: [sub.certificate],
    signingTime: new Date(Math.floor(Date.now() / 1000) * 1000),
  });
  return { pdf: Buffer.from(signed), rootPem: root.certificate.toPem() };
}

/**
 * An evidence record of one TOTAL-PASSED signature resting on `anchor`, with the revocation
 * answers `fetches` (fetched at the validation time), for the evidence store's tests.
 */
export function passedEvidence(
  anchor: Certificate,
  fetches: Omit<FetchRecord, 'fetchedAt'>[],
  documentSha256 = randomBytes(32).toString('hex').toUpperCase(),
): EvidenceRecord {
  const validationTime = new Date().toISOString();
  const report = {
    documentSha256,
    validationTime,
    conclusion: 'TOTAL-PASSED',
    signatures: [
      {
        id: 'sig-1',
        signatureSha256: 'AA'.repeat(32),
        indication: 'TOTAL-PASSED',
        subIndication: null,
        signingTime: { judgedAt: validationTime },
        chain: [{ sha256: anchor.sha256Hex }],
      },
    ],
  } as unknown as DocumentReport;
  return buildEvidence({
    id: randomUUID(),
    validationId: randomUUID(),
    pdf: new Uint8Array(),
    report,
    trustAnchors: [anchor],
    fetches: fetches.map((f) => ({ ...f, fetchedAt: new Date(validationTime) })),
  });
}
