import { createHash } from 'node:crypto';
import { Certificate } from '../x509/certificate';
import { authorityKeyIdentifier, subjectKeyIdentifier } from '../x509/extensions';

/** Budgets (style rule 7): certificates in one path (leaf and anchor included), and paths tried. */
export const MAX_PATH_DEPTH = 10;
export const MAX_CANDIDATE_PATHS = 16;

export interface BuildPathsOptions {
  maxDepth?: number;
  maxPaths?: number;
}

/** Subject and key: the identity a path must not revisit (RFC 4158 5.2, loop detection). */
const identity = (c: Certificate) => `${Buffer.from(c.subject.der).toString('hex')}/${createHash('sha256').update(c.publicKeySpki).digest('hex')}`;

/** Could `issuer` have issued `cert`? Names chain, and key identifiers agree when both exist. */
export function couldIssue(issuer: Certificate, cert: Certificate): boolean {
  if (!issuer.subject.equals(cert.issuer)) return false;
  const aki = authorityKeyIdentifier(cert);
  const ski = subjectKeyIdentifier(issuer);
  return !aki || !ski || aki === ski;
}

/**
 * Candidate paths from `leaf` to a trust anchor, each ordered leaf first, anchor last, anchors
 * preferred over intermediates so that short paths come first. Signatures are not checked here:
 * validatePath tries the paths in order. Loop-safe (no subject+key twice in a path) and bounded.
 */
export function buildPaths(
  leaf: Certificate,
  intermediates: readonly Certificate[],
  trustAnchors: readonly Certificate[],
  opts: BuildPathsOptions = {},
): Certificate[][] {
  const maxDepth = Math.min(opts.maxDepth ?? MAX_PATH_DEPTH, MAX_PATH_DEPTH);
  const maxPaths = opts.maxPaths ?? MAX_CANDIDATE_PATHS;
  const anchorIds = new Set(trustAnchors.map((a) => a.sha256Hex));
  const pool = [...trustAnchors, ...intermediates.filter((c) => !anchorIds.has(c.sha256Hex))].filter(
    (c, i, all) => all.findIndex((d) => d.sha256Hex === c.sha256Hex) === i,
  );
  const paths: Certificate[][] = [];

  const extend = (path: Certificate[], seen: Set<string>): void => {
    if (paths.length >= maxPaths) return;
    const last = path[path.length - 1];
    if (anchorIds.has(last.sha256Hex)) {
      paths.push([...path]);
      return;
    }
    if (path.length >= maxDepth) return;
    for (const candidate of pool) {
      if (!couldIssue(candidate, last)) continue;
      const id = identity(candidate);
      // A self-signed certificate issues itself: only an anchor may close the path there.
      if (seen.has(id) || candidate.sha256Hex === last.sha256Hex) continue;
      seen.add(id);
      path.push(candidate);
      extend(path, seen);
      path.pop();
      seen.delete(id);
    }
  };
  extend([leaf], new Set([identity(leaf)]));
  return paths;
}
