import type { SignatureReport } from '@kyso/pki';

export type HolderKind = 'person' | 'organisation';

/**
 * Whose certificate made a signature, read from its subject as the Government CA writes it (R4, and
 * the registry's subjectSpec): a person's certificate names the official (CN in mixed case) and
 * usually carries their e-mail (E) and title; an organisation's has CN = the agency's name in
 * capitals, O = its parent, and neither e-mail nor title. So: e-mail or title, or a CN with lower-case
 * letters, is a person; otherwise an organisation.
 */
export function holderKind(signer: SignatureReport['signer']): HolderKind {
  if (signer.email || signer.title) return 'person';
  const cn = signer.name ?? '';
  return cn !== cn.toLocaleUpperCase('vi') ? 'person' : 'organisation';
}

/** Agency names compare without case, spacing or Unicode form (certificates write them in capitals). */
export const sameName = (a: string, b: string): boolean => squash(a) === squash(b);

export const squash = (s: string): string => s.normalize('NFC').toLocaleLowerCase('vi').replace(/\s+/g, ' ').trim();
