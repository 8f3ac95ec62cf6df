import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CaKeyAlgorithm,
  Certificate,
  DevCa,
  generateSoftwareKey,
  PUBLIC_KEY_CACHE,
  scenarioCas,
  SIGNATURE_VERDICT_CACHE,
  signPdf,
  toPem,
  validatePath,
  verifyPdf,
} from '@kyso/pki';
import { Crl, CrlRevocationChecker } from '@kyso/pki/revocation/crl';

/**
 * `npm run bench`: chains validated per second in-process next to `openssl verify` on the same
 * chains in the same run, and PAdES sign/verify per second. Not a test; bounded to well under 60 s.
 */
const SECONDS_PER_CASE = Number(process.env.KYSO_BENCH_SECONDS ?? 2);
const LEAVES = 300;
/** `node main.js <filter>` runs only the cases whose name contains it (e.g. "ecdsa", "crl", "pades"), for profiling. */
const ONLY = process.argv[2]?.toLowerCase();
const selected = (name: string) => !ONLY || name.toLowerCase().includes(ONLY); // distinct leaves, so that neither side validates one certificate over and over

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

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
const pad = (s: string, w: number, right = false) => (right ? s.padStart(w) : s.padEnd(w));

async function main(): Promise<void> {
  const started = performance.now();
  const now = new Date();
  const dir = mkdtempSync(join(tmpdir(), 'kyso-bench-'));
  try {
    const rows: string[][] = [];
    for (const alg of ['RSA-2048', 'ECDSA-P256'] as const) {
      if (
        !selected(`${alg}, crl`) &&
        !selected(alg === 'RSA-2048' ? 'RSA-2048, 3 levels, crl' : 'ECDSA P-256, 3 levels, crl')
      )
        continue;
      const set = await chainSet(alg, now);
      for (const withCrl of [false, true]) {
        if (!selected(`${set.label}${withCrl ? ', CRL' : ''}`)) continue;
        const ours = await kysoRate(set, withCrl, now, false);
        const cached = await kysoRate(set, withCrl, now, true);
        const theirs = opensslRate(set, withCrl, dir);
        rows.push([
          `${set.label}${withCrl ? ', CRL' : ''}`,
          fmt(ours),
          fmt(theirs),
          `${(ours / theirs).toFixed(2)}×`,
          fmt(cached),
        ]);
      }
    }
    const head = ['chain', 'kyso chains/s', 'openssl verify chains/s', 'kyso/openssl', 'kyso, verdict cache'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (r: string[]) => `| ${r.map((c, i) => pad(c, widths[i], i > 0)).join(' | ')} |`;
    console.log(
      `Path validation, in-process vs one openssl verify process per ${LEAVES} leaves (${SECONDS_PER_CASE} s per case).`,
    );
    console.log(
      `Both sides parse every input from PEM (anchor, intermediate, CRLs once per ${LEAVES} leaves; each leaf) and verify every signature;`,
    );
    console.log(
      `openssl also reads files and starts a process per ${LEAVES}. Last column: signature verdicts cached across chains (each leaf new, CA and CRL checks reused).\n`,
    );
    console.log(
      [
        line(head),
        `|${widths.map((w, i) => `${i > 0 ? '-'.repeat(w + 1) : '-'.repeat(w + 2)}${i > 0 ? ':' : ''}`).join('|')}|`,
        ...rows.map(line),
      ].join('\n'),
    );

    if (!selected('pades')) return;
    // PAdES on the sample document, software key (the token is measured in docs/pkcs11-notes).
    const pdf = readFileSync(join(__dirname, '../../../docs/samples/cong-van.pdf'));
    const { root, sub } = await scenarioCas({ now });
    const key = generateSoftwareKey('ECDSA-P256-SHA256');
    const certificate = await sub.issue({
      subject: { CN: 'Nguyễn Văn Ký', O: 'Sở Nội vụ', C: 'VN' },
      publicKeySpki: key.publicKeySpki,
      profile: 'person',
    });
    let signed = pdf;
    const signRate = await rate(SECONDS_PER_CASE, async () => {
      signed = Buffer.from(
        await signPdf(pdf, { signer: key.signer, certificate, chain: [sub.certificate], signingTime: now }),
      );
    });
    const verifyOnce = async () => {
      const r = await verifyPdf(signed, { trustAnchors: [root.certificate], validationTime: now });
      if (r.conclusion !== 'TOTAL-PASSED') throw new Error(`bench PDF did not verify: ${r.conclusion}`);
    };
    // The same document each time: with the verdict cache its chain checks are hits, so measure without too.
    const verifyRate = await rate(SECONDS_PER_CASE, verifyOnce);
    const size = SIGNATURE_VERDICT_CACHE.maxEntries;
    SIGNATURE_VERDICT_CACHE.resize(0);
    const verifyUncachedRate = await rate(SECONDS_PER_CASE, verifyOnce).finally(() =>
      SIGNATURE_VERDICT_CACHE.resize(size),
    );
    console.log(
      `\nPAdES on docs/samples/cong-van.pdf (${pdf.length.toLocaleString('en-US')} bytes), ECDSA P-256 software key\n`,
    );
    console.log(
      `| operation            |  per second |\n|----------------------|------------:|\n| signPdf (B-B)        | ${pad(fmt(signRate), 11, true)} |\n| verifyPdf            | ${pad(fmt(verifyRate), 11, true)} |\n| verifyPdf, no cache  | ${pad(fmt(verifyUncachedRate), 11, true)} |`,
    );
    console.log(`\nnode ${process.version}, ${Math.round((performance.now() - started) / 1000)} s in all`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`bench failed: ${(e as Error).stack ?? e}`);
  process.exitCode = 1;
});
