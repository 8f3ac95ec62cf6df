import { assertDer } from '../asn1';

/**
 * Why bytes are not DER (X.690 section 10, as RFC 5280 4.1 and 5.1 require of certificates and
 * CRLs), or undefined when they are: the shared strict reader's verdict as a profile finding.
 * Extension values (OCTET STRINGs holding DER) are checked by the caller.
 */
export function derProblem(bytes: Uint8Array): string | undefined {
  try {
    assertDer(bytes);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
