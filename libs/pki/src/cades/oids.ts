/** CAdES (ETSI EN 319 122-1) and RFC 5940 object identifiers. */
export const CADES_OID = {
  /** id-aa-ets-archiveTimestampV3 (EN 319 122-1 5.5.3). */
  archiveTimestampV3: '0.4.0.1733.2.4',
  /** id-aa-ATSHashIndex-v3 (EN 319 122-1 5.5.2). */
  atsHashIndexV3: '0.4.0.19122.1.5',
  /** id-ri-ocsp-response (RFC 5940 4.1): an OCSPResponse as OtherRevocationInfoFormat. */
  riOcspResponse: '1.3.6.1.5.5.7.16.2',
} as const;
