import { badRequest } from '@kyso/common';
import { Certificate, PkiFormatError } from '@kyso/pki';

/** Parses one PEM certificate with libs/pki; a format error is the caller's: 400 MALFORMED_CERTIFICATE naming the field. */
export function parseCertificatePem(pem: string, field: string): Certificate {
  try {
    return Certificate.parse(pem);
  } catch (e) {
    if (e instanceof PkiFormatError)
      throw badRequest('MALFORMED_CERTIFICATE', `${field}: ${e.message}`, { reason: e.code, field });
    throw e;
  }
}

/** Parses one certificate given as PEM text or DER (or PEM) bytes; errors as parseCertificatePem. */
export function parseCertificateInput(input: string | Uint8Array, field: string): Certificate {
  try {
    return Certificate.parse(input);
  } catch (e) {
    if (e instanceof PkiFormatError)
      throw badRequest('MALFORMED_CERTIFICATE', `${field}: ${e.message}`, { reason: e.code, field });
    throw e;
  }
}
