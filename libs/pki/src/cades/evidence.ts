import { children, decodeOid, readTlv, TAG, tlvBytes, tlvValue } from '../asn1';
import { PkiFormatError } from '../errors';
import { EmbeddedEvidence, noEvidence } from '../revocation/embedded';
import { CADES_OID } from './oids';
import { SignedDataParts } from './structure';

/**
 * The validation data a CAdES B-LT signature carries (EN 319 122-1 5.5.1 baseline: certificates in
 * SignedData.certificates, CRLs and OCSP responses in SignedData.crls). Untrusted until a checker
 * verifies each; an unreadable entry is no evidence.
 */
export function signedDataEvidence(p: SignedDataParts): EmbeddedEvidence {
  const out = noEvidence();
  out.certs.push(...p.certificates.filter((c) => c[0] === TAG.SEQUENCE));
  for (const choice of p.crls) {
    if (choice[0] === TAG.SEQUENCE) out.crls.push(choice);
    else if (choice[0] === TAG.context(1)) {
      try {
        const [format, info] = children(choice, readTlv(choice));
        if (format && info && decodeOid(tlvValue(choice, format)) === CADES_OID.riOcspResponse)
          out.ocsps.push(tlvBytes(choice, info));
      } catch (e) {
        if (!(e instanceof PkiFormatError)) throw e;
      }
    }
  }
  return out;
}
