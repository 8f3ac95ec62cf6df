import { badRequest, unavailable } from '@kyso/common';
import { checkNationalId, maskNationalId, NationalIdKind } from './national-id';
import { NationalIdCipher } from './national-id-cipher';

export interface ProtectedNationalId {
  encrypted: Buffer;
  index: string;
  kind: NationalIdKind;
}

/**
 * The only place national ID numbers are handled in clear: validated, encrypted, indexed, masked.
 * Without a configured data key (KYSO_REGISTRY_DATA_KEY) the registry refuses to store one.
 */
export class NationalIds {
  constructor(private readonly cipher: NationalIdCipher | undefined) {}

  protect(input: string): ProtectedNationalId {
    const checked = checkNationalId(input);
    if (!checked.ok)
      throw badRequest('INVALID_NATIONAL_ID', `nationalId: ${checked.reason}`, {
        errors: [{ field: 'nationalId', problem: 'invalid', message: checked.reason }],
      });
    const cipher = this.requireCipher();
    return { encrypted: cipher.encrypt(checked.value), index: cipher.blindIndex(checked.value), kind: checked.kind };
  }

  /** The blind index of a number to look up, or undefined when it cannot be a valid number. */
  indexOf(input: string): string | undefined {
    const checked = checkNationalId(input);
    return checked.ok ? this.requireCipher().blindIndex(checked.value) : undefined;
  }

  reveal(encrypted: Uint8Array): string {
    return this.requireCipher().decrypt(encrypted);
  }

  /** Last 3 digits; null when none is stored or it cannot be read with the configured key. */
  masked(encrypted: Uint8Array | null): string | null {
    if (!encrypted || !this.cipher) return null;
    try {
      return maskNationalId(this.cipher.decrypt(encrypted));
    } catch {
      return null;
    }
  }

  private requireCipher(): NationalIdCipher {
    if (!this.cipher)
      throw unavailable(
        'NATIONAL_ID_KEY_NOT_CONFIGURED',
        'National ID numbers cannot be stored: KYSO_REGISTRY_DATA_KEY is not configured',
      );
    return this.cipher;
  }
}
