import { CONSTRAINT_CHECKS, ConstraintCheck, ConstraintLevel } from '../validation/constraints';
import { KEY_USAGE_BITS, KeyUsage } from '../x509/extensions';

/** Bad usage: exit code 2 with this message and the usage text. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `Usage:
  kyso validate-chain LEAF --anchor FILE... [--intermediate FILE...] [--crl FILE...]
                     [--at ISO-8601] [--purpose any|documentSigning|serverAuth|clientAuth|<EKU OID>]
                     [--key-usage digitalSignature,nonRepudiation,...] [--max-depth N] [--policy FILE]
                     [--json] [--lang en|vi]
  kyso verify FILE.pdf --anchor FILE... [--intermediate FILE...] [--crl FILE...] [--at ISO-8601] [--offline]
                     [--json] [--lang en|vi]

--max-depth N: at most N intermediates between leaf and anchor (0: the anchor issued the leaf).
--policy FILE: JSON {"constraints": {"<check>": "fail|warn|inform|ignore"}} over the default checks.
Files may be PEM (one or more blocks) or DER. Exit status: 0 valid, 1 not valid, 2 bad usage or unreadable input.
validate-chain is offline: with --crl, the revocation of every certificate of the path (but the anchor) is
required and checked against those CRLs; without it, reports say REVOCATION_NOT_CHECKED.
verify always requires revocation evidence for every signer's and TSA's path: the PDF's own LTV data
(DSS/VRI, revocation archive), the --crl files, and (unless --offline) OCSP and CRLs fetched over http(s)
from the certificates' URLs. Without evidence a signature is INDETERMINATE, never valid.
`;

export interface ParsedArgs {
  command: string;
  positional: string[];
  /** Multi-value options (--anchor a b --anchor c) and single ones, by name without dashes. */
  lists: Map<string, string[]>;
  flags: Set<string>;
  values: Map<string, string>;
}

const LIST_OPTIONS = new Set(['anchor', 'intermediate', 'crl']);
const VALUE_OPTIONS = new Set(['at', 'purpose', 'key-usage', 'max-depth', 'policy', 'lang']);
const FLAG_OPTIONS = new Set(['json', 'help', 'offline']);
/** Budget: arguments accepted (a shell glob of a huge directory is a mistake, not an input). */
export const MAX_ARGS = 1000;

/** `--name value`, `--name=value`; list options take every following non-option word. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  if (argv.length > MAX_ARGS) throw new UsageError(`Too many arguments (more than ${MAX_ARGS})`);
  const [command = '', ...rest] = argv;
  const out: ParsedArgs = { command, positional: [], lists: new Map(), flags: new Set(), values: new Map() };
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i];
    if (!word.startsWith('--')) {
      out.positional.push(word);
      continue;
    }
    const eq = word.indexOf('=');
    const name = word.slice(2, eq === -1 ? undefined : eq);
    const inline = eq === -1 ? undefined : word.slice(eq + 1);
    if (FLAG_OPTIONS.has(name)) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      out.flags.add(name);
    } else if (VALUE_OPTIONS.has(name)) {
      const value = inline ?? rest[++i];
      if (value === undefined || (inline === undefined && value.startsWith('--')))
        throw new UsageError(`--${name} needs a value`);
      if (out.values.has(name)) throw new UsageError(`--${name} given twice`);
      out.values.set(name, value);
    } else if (LIST_OPTIONS.has(name)) {
      const list = out.lists.get(name) ?? [];
      if (inline !== undefined) list.push(inline);
      else while (i + 1 < rest.length && !rest[i + 1].startsWith('--')) list.push(rest[++i]);
      if (list.length === 0) throw new UsageError(`--${name} needs at least one file`);
      out.lists.set(name, list);
    } else throw new UsageError(`Unknown option --${name}`);
  }
  return out;
}

export function parseTime(value: string | undefined, fallback: Date): Date {
  if (value === undefined) return fallback;
  const d = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(value)
    ? new Date(value)
    : new Date(NaN);
  if (Number.isNaN(d.getTime()))
    throw new UsageError(`--at must be an ISO-8601 date or time, e.g. 2026-03-01T08:00:00Z (got "${value}")`);
  return d;
}

export function parsePurpose(value: string | undefined): string {
  if (value === undefined) return 'documentSigning';
  if (
    ['any', 'documentSigning', 'serverAuth', 'clientAuth'].includes(value) ||
    /^[0-2](\.(0|[1-9]\d{0,9})){1,30}$/.test(value)
  )
    return value;
  throw new UsageError(`--purpose must be any, documentSigning, serverAuth, clientAuth or an EKU OID (got "${value}")`);
}

export function parseKeyUsage(value: string | undefined): KeyUsage[] | undefined {
  if (value === undefined) return undefined;
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = names.filter((n) => !(KEY_USAGE_BITS as readonly string[]).includes(n));
  if (names.length === 0 || bad.length)
    throw new UsageError(`--key-usage: unknown ${bad.join(', ') || 'empty list'}; use ${KEY_USAGE_BITS.join(',')}`);
  return names as KeyUsage[];
}

export function parseMaxDepth(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,3}$/.test(value))
    throw new UsageError(`--max-depth must be a number of intermediates, 0 or more (got "${value}")`);
  return Number(value);
}

/** The `constraints` of a policy file (validation/constraints.ts): known checks and levels only. */
export function parseConstraints(text: string): Partial<Record<ConstraintCheck, ConstraintLevel>> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new UsageError('--policy: not JSON');
  }
  const constraints = (doc as { constraints?: unknown } | null)?.constraints;
  if (typeof constraints !== 'object' || constraints === null || Array.isArray(constraints))
    throw new UsageError('--policy: expected {"constraints": {"<check>": "<level>"}}');
  const out: Partial<Record<ConstraintCheck, ConstraintLevel>> = {};
  for (const [check, level] of Object.entries(constraints)) {
    if (!(CONSTRAINT_CHECKS as readonly string[]).includes(check))
      throw new UsageError(`--policy: unknown check "${check}"; checks: ${CONSTRAINT_CHECKS.join(', ')}`);
    if (!['fail', 'warn', 'inform', 'ignore'].includes(level as string))
      throw new UsageError(`--policy: level of ${check} must be fail, warn, inform or ignore`);
    out[check as ConstraintCheck] = level as ConstraintLevel;
  }
  return out;
}

export function parseLang(value: string | undefined): 'en' | 'vi' {
  if (value === undefined || value === 'en' || value === 'vi') return value ?? 'en';
  throw new UsageError(`--lang must be en or vi (got "${value}")`);
}
