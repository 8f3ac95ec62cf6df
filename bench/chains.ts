import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CaKeyAlgorithm,
  Certificate,
  DevCa,
  generateSoftwareKey,
  PUBLIC_KEY_CACHE,
  scenarioCas,
  SIGNATURE_VERDICT_CACHE,
  toPem,
  validatePath,
} from '@kyso/pki';
import { Crl, CrlRevocationChecker } from '@kyso/pki/revocation/crl';
import { ratioRow, Row } from './table';

/**
 * Path validation in-process next to `openssl verify` on the same chains in the same run: both
 * sides parse every input from PEM (anchor, intermediate, CRLs once per LEAVES leaves; each leaf)
 * and verify every signature; openssl also reads files and starts a process per LEAVES leaves.
 */
const SECONDS_PER_CASE = Number(process.env.KYSO_BENCH_SECONDS ?? 2);
/** Distinct leaves, so that neither side validates one certificate over and over. */
const LEAVES = 300;

interface ChainSet {
  label: string;
  root: DevCa;
  sub: DevCa;
  leaves: Certificate[];
  crls: Uint8Array[];
  /** The inputs as openssl gets them (PEM text): both sides parse them. */
  pem: { root: string; sub: string; crls: string; leaves: string[] };
}

async function chainSet(keyAlgorithm: CaKeyAlgorithm, now: Date): Promise<ChainSet> {
  const { root, sub } = await scenarioCas({ keyAlgorithm, now });
  const signer = keyAlgorithm === 'RSA-2048' ? 'RSASSA-PKCS1-v1_5-SHA256' : 'ECDSA-P256-SHA256';
  const spki = generateSoftwareKey(signer).publicKeySpki;
  const leaves: Certificate[] = [];
  for (let i = 0; i < LEAVES; i++)
    leaves.push(
      await sub.issue({
        subject: { CN: `Cán bộ ${i}`, O: 'Sở Nội vụ', C: 'VN' },
        publicKeySpki: spki,
        profile: 'person',
      }),
    );
  // A revoked neighbour so the CRLs are not empty.
  sub.revoke('0A0B0C', { revocationDate: new Date(now.getTime() - 86400_000), reason: 'superseded' });
  const thisUpdate = new Date(now.getTime() - 60_000);
  const crls = [await sub.issueCrl({ thisUpdate }), await root.issueCrl({ thisUpdate })];
  const pem = {
    root: root.certificate.toPem(),
    sub: sub.certificate.toPem(),
    crls: crls.map((c) => toPem('X509 CRL', c)).join(''),
    leaves: leaves.map((l) => l.toPem()),
  };
  return {
    label: keyAlgorithm === 'RSA-2048' ? 'RSA-2048, 3 levels' : 'ECDSA P-256, 3 levels',
    root,
    sub,
    leaves,
    crls,
    pem,
  };
}

/** Runs `once` repeatedly for about `seconds`; returns operations per second. */
async function rate(seconds: number, once: (i: number) => unknown): Promise<number> {
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  let n = 0;
  while (performance.now() < end) await once(n++);
  return n / ((performance.now() - start) / 1000);
}

/**
 * The same work as one `openssl verify` run per batch of LEAVES: parse anchor, intermediate and
 * CRLs from PEM once per batch, each leaf from PEM, then validate. Caches of parsed keys and of
 * signature verdicts are emptied at each batch, as a new openssl process starts empty; with
 * `verdictCache` false every signature of every chain is verified, as openssl does.
 */
async function kysoRate(set: ChainSet, withCrl: boolean, now: Date, verdictCache: boolean): Promise<number> {
  const size = SIGNATURE_VERDICT_CACHE.maxEntries;
  SIGNATURE_VERDICT_CACHE.resize(verdictCache ? size : 0);
  let batch: { root: Certificate; sub: Certificate; crls: Crl[] } | undefined;
  try {
    return await rate(SECONDS_PER_CASE, async (i) => {
      if (i % LEAVES === 0) {
        PUBLIC_KEY_CACHE.clear();
        SIGNATURE_VERDICT_CACHE.clear();
        batch = {
          root: Certificate.parse(set.pem.root),
          sub: Certificate.parse(set.pem.sub),
          crls: withCrl ? Crl.parseAll(set.pem.crls) : [],
        };
      }
      const b = batch!;
      const base = {
        leaf: Certificate.parse(set.pem.leaves[i % LEAVES]),
        intermediates: [b.sub],
        trustAnchors: [b.root],
        validationTime: now,
      };
      const r = withCrl
        ? await validatePath({
            ...base,
            revocation: { checker: new CrlRevocationChecker({ crls: b.crls }), required: true },
          })
        : validatePath(base);
      if (!r.valid) throw new Error(`bench chain did not validate: ${r.reasons.map((x) => x.code).join(', ')}`);
    });
  } finally {
    SIGNATURE_VERDICT_CACHE.resize(size);
  }
}

/** One `openssl verify` process over all leaves, repeated for about the same time. */
function opensslRate(set: ChainSet, withCrl: boolean, dir: string): number {
  const f = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));
  const args = [
    'verify',
    '-CAfile',
    f('root.pem', set.pem.root),
    '-untrusted',
    f('sub.pem', set.pem.sub),
    '-purpose',
    'smimesign',
  ];
  if (withCrl) args.push('-crl_check_all', '-CRLfile', f('crls.pem', set.pem.crls));
  args.push(...set.pem.leaves.map((l, i) => f(`leaf-${i}.pem`, l)));
  let chains = 0;
  const start = performance.now();
  do {
    const out = execFileSync('openssl', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const ok = out.split('\n').filter((l) => l.endsWith(': OK')).length;
    if (ok !== LEAVES) throw new Error(`openssl verified ${ok} of ${LEAVES} chains`);
    chains += LEAVES;
  } while (performance.now() - start < SECONDS_PER_CASE * 1000);
  return chains / ((performance.now() - start) / 1000);
}

/** One row per key algorithm: 3-level chains with CRLs, Kyso vs `openssl verify -crl_check_all`. */
export async function chainRows(now: Date, dir: string): Promise<Row[]> {
  const rows: Row[] = [];
  for (const alg of ['RSA-2048', 'ECDSA-P256'] as const) {
    const set = await chainSet(alg, now);
    const ours = await kysoRate(set, true, now, false);
    const cached = await kysoRate(set, true, now, true);
    const theirs = opensslRate(set, true, dir);
    // No issue sets a target for this row: it is there for comparison.
    rows.push(
      ratioRow(
        `Chain validation, ${set.label}, CRL (chains/s, in-process)`,
        { value: ours, unit: '/s', note: `${Math.round(cached)} /s with the verdict cache the services use` },
        { name: 'openssl verify', value: theirs, unit: '/s' },
        null,
      ),
    );
  }
  return rows;
}
