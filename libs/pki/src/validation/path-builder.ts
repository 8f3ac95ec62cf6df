import { createHash } from 'node:crypto';
import { Certificate } from '../x509/certificate';
import { authorityKeyIdentifier, subjectKeyIdentifier } from '../x509/extensions';
import { MAX_PATH_DEPTH, MAX_CANDIDATE_PATHS, MAX_BUILD_STEPS } from '../budgets';

export interface BuildPathsOptions {
  maxDepth?: number;
  maxPaths?: number;
}

/** Subject and key: the identity a path must not revisit (RFC 4158 5.2, loop detection). */
const identities = new WeakMap<Certificate, string>();
function identity(c: Certificate): string {
  let id = identities.get(c);
  if (id === undefined) {
    id = `${Buffer.from(c.subject.der).toString('hex')}/${createHash('sha256').update(c.publicKeySpki).digest('hex')}`;
    identities.set(c, id);
  }
  return id;
}

const keyIds = new WeakMap<Certificate, { aki?: string; ski?: string }>();
function ids(c: Certificate): { aki?: string; ski?: string } {
  let hit = keyIds.get(c);
  if (!hit) {
    hit = {};
    try {
      hit = { aki: authorityKeyIdentifier(c), ski: subjectKeyIdentifier(c) };
    } catch {
      // unreadable key identifiers: match by name only
    }
    keyIds.set(c, hit);
  }
  return hit;
}

/** Could `issuer` have issued `cert`? Names chain, and key identifiers agree when both exist. */
function couldIssue(issuer: Certificate, cert: Certificate): boolean {
  if (!issuer.subject.equals(cert.issuer)) return false;
  const aki = ids(cert).aki;
  const ski = ids(issuer).ski;
  return !aki || !ski || aki === ski;
}

/** RFC 4158 3.5 ordering: anchors first, then issuers whose key id matches, then name-only matches. */
function rank(issuer: Certificate, cert: Certificate, anchorIds: Set<string>): number {
  const keyIdMatch = !!ids(cert).aki && ids(cert).aki === ids(issuer).ski;
  return (anchorIds.has(issuer.sha256Hex) ? 0 : 2) + (keyIdMatch ? 0 : 1);
}

/**
 * Candidate paths from `leaf` to a trust anchor, each ordered leaf first, anchor last, shortest
 * and best-matching first. Signatures are not checked here: validatePath tries the paths in order.
 * Loop-safe (no subject+key twice in a path) and bounded by the budgets above.
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
  let steps = 0;

  const extend = (path: Certificate[], seen: Set<string>): void => {
    if (paths.length >= maxPaths || steps > MAX_BUILD_STEPS) return;
    const last = path[path.length - 1];
    if (anchorIds.has(last.sha256Hex)) {
      paths.push([...path]);
      return;
    }
    if (path.length >= maxDepth) return;
    const candidates = pool
      .filter((c) => couldIssue(c, last))
      .sort((a, b) => rank(a, last, anchorIds) - rank(b, last, anchorIds));
    for (const candidate of candidates) {
      if (++steps > MAX_BUILD_STEPS) return;
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
  // Breadth matters more than discovery order: shorter paths are tried first.
  return paths.sort((a, b) => a.length - b.length);
}
