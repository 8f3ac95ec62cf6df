/**
 * ETSI EN 319 102-1 indications and sub-indications (clause 5.1.3), in one place.
 * A sub-indication type is tied to its indication so that e.g. HASH_FAILURE can only
 * accompany TOTAL-FAILED.
 */
export type Indication = 'TOTAL-PASSED' | 'TOTAL-FAILED' | 'INDETERMINATE';

export const TOTAL_FAILED_SUBINDICATIONS = [
  'FORMAT_FAILURE',
  'HASH_FAILURE',
  'SIG_CRYPTO_FAILURE',
  'REVOKED',
  'EXPIRED',
  'NOT_YET_VALID',
  'SIG_CONSTRAINTS_FAILURE',
] as const;

export const INDETERMINATE_SUBINDICATIONS = [
  'SIG_CONSTRAINTS_FAILURE',
  'CHAIN_CONSTRAINTS_FAILURE',
  'CERTIFICATE_CHAIN_GENERAL_FAILURE',
  'CRYPTO_CONSTRAINTS_FAILURE',
  'EXPIRED',
  'NOT_YET_VALID',
  'FORMAT_FAILURE',
  'POLICY_PROCESSING_ERROR',
  'SIGNATURE_POLICY_NOT_AVAILABLE',
  'TIMESTAMP_ORDER_FAILURE',
  'NO_SIGNING_CERTIFICATE_FOUND',
  'NO_CERTIFICATE_CHAIN_FOUND',
  'REVOKED_NO_POE',
  'REVOKED_CA_NO_POE',
  'OUT_OF_BOUNDS_NO_POE',
  'OUT_OF_BOUNDS_NOT_REVOKED',
  'REVOCATION_OUT_OF_BOUNDS_NO_POE',
  'CRYPTO_CONSTRAINTS_FAILURE_NO_POE',
  'NO_POE',
  'TRY_LATER',
  'SIGNED_DATA_NOT_FOUND',
  'CUSTOM',
] as const;

export type TotalFailedSubIndication = (typeof TOTAL_FAILED_SUBINDICATIONS)[number];
export type IndeterminateSubIndication = (typeof INDETERMINATE_SUBINDICATIONS)[number];
export type SubIndication = TotalFailedSubIndication | IndeterminateSubIndication;

/** An indication with the sub-indications it may carry. */
export type IndicationResult =
  | { indication: 'TOTAL-PASSED'; subIndication?: undefined }
  | { indication: 'TOTAL-FAILED'; subIndication: TotalFailedSubIndication }
  | { indication: 'INDETERMINATE'; subIndication: IndeterminateSubIndication };

export const passed = (): IndicationResult => ({ indication: 'TOTAL-PASSED' });
export const failed = (subIndication: TotalFailedSubIndication): IndicationResult => ({
  indication: 'TOTAL-FAILED',
  subIndication,
});
export const indeterminate = (subIndication: IndeterminateSubIndication): IndicationResult => ({
  indication: 'INDETERMINATE',
  subIndication,
});

const SEVERITY: Record<Indication, number> = { 'TOTAL-PASSED': 0, INDETERMINATE: 1, 'TOTAL-FAILED': 2 };

/** The worst of several indications: a document's conclusion. */
export function worstIndication(indications: Indication[]): Indication {
  return indications.reduce<Indication>((worst, i) => (SEVERITY[i] > SEVERITY[worst] ? i : worst), 'TOTAL-PASSED');
}

/** A reason with a stable code and messages for operators (English) and officials (Vietnamese). */
export interface Reason {
  code: string;
  message: string;
  messageVi: string;
  /** Index in the chain (0 = signer's certificate) when the reason concerns one certificate. */
  certificateIndex?: number;
}
