/**
 * The registry's images the signer draws into visible signatures (GET, image/png): an official's
 * handwritten-signature image and an organisation's seal. 404 with SIGNATURE_IMAGE_NOT_FOUND or
 * SEAL_IMAGE_NOT_FOUND when none is stored.
 */
export const officialSignatureImagePath = (officialId: string) =>
  `/officials/${encodeURIComponent(officialId)}/signature-image`;
export const organizationSealImagePath = (organizationId: string) =>
  `/organizations/${encodeURIComponent(organizationId)}/seal-image`;

/** A PNG answer is at most this large (the registry stores at most 512 KiB). */
export const MAX_APPEARANCE_IMAGE_BYTES = 1024 * 1024;
