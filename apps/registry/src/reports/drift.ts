/** Where a certificate's subject no longer says what the registry says. */
export interface SubjectFacts {
  cn: string | undefined;
  email: string | undefined;
  organizationNames: string[]; // O and OU values
}

export interface RegistryFacts {
  subjectType: 'person' | 'organization' | 'device';
  fullName: string | null;
  email: string | null;
  /** The organisation's name and its ancestors' names. */
  organizationNames: string[];
}

export interface Drift {
  field: 'CN' | 'E' | 'O/OU';
  certificateValue: string;
  registryValue: string;
}

/** Unicode NFC, case- and whitespace-insensitive. */
export const normaliseName = (s: string): string =>
  s.normalize('NFC').toLocaleLowerCase('vi').replace(/\s+/g, ' ').trim();

/**
 * CN against the holder's full name and E against the official e-mail (person certificates); each O
 * and OU value must still name the organisation or one of its ancestors. Subjects commonly shorten
 * a unit's name ("Sở Nội vụ" for "Sở Nội vụ thành phố Huế"), so containment either way matches.
 */
export function subjectDrift(subject: SubjectFacts, registry: RegistryFacts): Drift[] {
  const out: Drift[] = [];
  if (registry.subjectType === 'person') {
    if (
      subject.cn !== undefined &&
      registry.fullName !== null &&
      normaliseName(subject.cn) !== normaliseName(registry.fullName)
    ) {
      out.push({ field: 'CN', certificateValue: subject.cn, registryValue: registry.fullName });
    }
    if (
      subject.email !== undefined &&
      registry.email !== null &&
      normaliseName(subject.email) !== normaliseName(registry.email)
    ) {
      out.push({ field: 'E', certificateValue: subject.email, registryValue: registry.email });
    }
  }
  const names = registry.organizationNames.map(normaliseName);
  for (const value of subject.organizationNames) {
    const v = normaliseName(value);
    if (!names.some((n) => n === v || n.includes(v) || v.includes(n))) {
      out.push({ field: 'O/OU', certificateValue: value, registryValue: registry.organizationNames.join(' / ') });
    }
  }
  return out;
}
