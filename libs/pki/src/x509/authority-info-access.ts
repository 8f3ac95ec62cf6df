import { PkiFormatError } from '../errors';
import { Certificate } from './certificate';
import { EXT } from './extensions';
import { children, decodeOid, readTlv, TAG, tlvValue } from '../asn1';

/** Access methods of authorityInfoAccess (RFC 5280 4.2.2.1). */
export const ACCESS_METHOD = { ocsp: '1.3.6.1.5.5.7.48.1', caIssuers: '1.3.6.1.5.5.7.48.2' } as const;

/** The http(s) URIs a certificate lists for one access method; [] when none or malformed. */
export function accessUrls(cert: Certificate, method: string): string[] {
  // The raw extension, not pkijs's: building pkijs's model of every certificate just for this
  // was a tenth of a validation's CPU (issue 16.2's profile).
  const ext = cert.rawExtension(EXT.authorityInfoAccess);
  if (!ext) return [];
  try {
    const v = ext.value;
    return children(v, readTlv(v)).flatMap((ad) => {
      const [m, location] = children(v, ad);
      if (m?.tag !== TAG.OID || decodeOid(tlvValue(v, m)) !== method || location?.tag !== 0x86) return [];
      const url = Buffer.from(tlvValue(v, location)).toString('latin1');
      return /^https?:\/\//i.test(url) ? [url] : [];
    });
  } catch (e) {
    if (e instanceof PkiFormatError) return [];
    throw e;
  }
}
