import { Certificate } from '../x509/certificate';
import { CaKeyAlgorithm, DevCa } from './dev-ca';
import { IssueFault } from './faults';
import { generateSoftwareKey } from './software-key';

/** Every failure the dev CA can produce, plus the valid baseline (certomancer-style: PKI as data). */
export const FAULT_KINDS = [
  'valid',
  'expired',
  'notYetValid',
  'revokedBefore',
  'revokedAfter',
  'wrongKeyUsage',
  'badSignature',
  'brokenNameConstraints',
  'unknownCriticalExtension',
  'missingIntermediate',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** A ready-made validation input: root, subordinate CA, leaf, and the CRLs/OCSP responses to go with it. */
export interface FaultScenario {
  kind: FaultKind;
  root: DevCa;
  sub: DevCa;
  leaf: Certificate;
  /** The intermediates a validator is given (none for missingIntermediate). */
  intermediates: Certificate[];
  trustAnchors: Certificate[];
  /** DER CRLs of the subordinate (for the leaf) and of the root (for the subordinate). */
  crls: Uint8Array[];
  /** DER OCSP responses: the subordinate's about the leaf, the root's about the subordinate. */
  ocspResponses: Uint8Array[];
  /** The time to validate at (for revokedAfter: before the revocation). */
  validationTime: Date;
  /** What a correct validator concludes at validationTime. */
  expectValid: boolean;
  revokedAt?: Date;
}

export interface ScenarioOptions {
  keyAlgorithm?: CaKeyAlgorithm;
  /** The scenario's "now" (default the system clock); CRLs and OCSP responses are produced a minute before. */
  now?: Date;
  /** Reuse CAs across scenarios (faster); brokenNameConstraints always makes its own subordinate. */
  root?: DevCa;
  sub?: DevCa;
}

const DAY_MS = 24 * 3600_000;
const FAULT_OF: Partial<Record<FaultKind, IssueFault>> = {
  expired: 'expired',
  notYetValid: 'notYetValid',
  wrongKeyUsage: 'wrongKeyUsage',
  badSignature: 'badSignature',
  unknownCriticalExtension: 'unknownCriticalExtension',
};

/** CAs valid from 30 days before `now`, so that validations in the past days make sense. */
export async function scenarioCas(opts: ScenarioOptions = {}): Promise<{ root: DevCa; sub: DevCa }> {
  const now = opts.now ?? new Date();
  const keyAlgorithm = opts.keyAlgorithm ?? 'ECDSA-P256';
  const notBefore = new Date(now.getTime() - 30 * DAY_MS);
  const root =
    opts.root ??
    (await DevCa.createRoot({ commonName: 'Kyso Scenario Root', organization: 'Kyso', keyAlgorithm, notBefore }));
  const sub =
    opts.sub ??
    (await root.createSubordinate({
      commonName: 'Kyso Scenario Government CA',
      organization: 'Kyso',
      keyAlgorithm,
      notBefore,
      pathLength: 0,
    }));
  return { root, sub };
}

/** Builds one scenario: the leaf with its fault, the chain to hand a validator, CRLs and OCSP responses. */
export async function faultScenario(kind: FaultKind, opts: ScenarioOptions = {}): Promise<FaultScenario> {
  const now = opts.now ?? new Date();
  const { root } = await scenarioCas(opts);
  let { sub } = await scenarioCas({ ...opts, root });
  const signerAlg =
    (opts.keyAlgorithm ?? 'ECDSA-P256') === 'RSA-2048' ? 'RSASSA-PKCS1-v1_5-SHA256' : 'ECDSA-P256-SHA256';
  let subject = { CN: 'Nguyễn Văn An', O: 'Sở Nội vụ', C: 'VN', title: 'Chuyên viên' };
  if (kind === 'brokenNameConstraints') {
    sub = await root.createSubordinate({
      commonName: 'Kyso Constrained CA',
      notBefore: new Date(now.getTime() - 30 * DAY_MS),
      keyAlgorithm: opts.keyAlgorithm,
      nameConstraints: { permitted: { directoryNames: [{ C: 'VN', O: 'Sở Nội vụ' }] } },
    });
    subject = { ...subject, O: 'Công ty Ngoài Phạm Vi' }; // outside the permitted subtree
  }
  let validationTime = now;
  let revokedAt: Date | undefined;
  const faults: IssueFault[] = FAULT_OF[kind] ? [FAULT_OF[kind]!] : [];
  if (kind === 'revokedBefore') {
    revokedAt = new Date(now.getTime() - DAY_MS);
  } else if (kind === 'revokedAfter') {
    revokedAt = new Date(now.getTime() - DAY_MS);
    validationTime = new Date(now.getTime() - 2 * DAY_MS); // e.g. a signing time before the revocation
  }
  if (revokedAt) faults.push({ kind: 'revoked', at: revokedAt, reason: 'keyCompromise' });
  const leaf = await sub.issue({
    subject,
    publicKeySpki: generateSoftwareKey(signerAlg).publicKeySpki,
    profile: 'person',
    notBefore: new Date(now.getTime() - 10 * DAY_MS),
    faults,
    faultTime: now,
  });
  const produced = new Date(now.getTime() - 60_000);
  const crls = [await sub.issueCrl({ thisUpdate: produced }), await root.issueCrl({ thisUpdate: produced })];
  const ocspResponses = [
    await sub.ocspResponse({ certificate: leaf, thisUpdate: produced, nextUpdate: new Date(now.getTime() + DAY_MS) }),
    await root.ocspResponse({
      certificate: sub.certificate,
      thisUpdate: produced,
      nextUpdate: new Date(now.getTime() + DAY_MS),
    }),
  ];
  return {
    kind,
    root,
    sub,
    leaf,
    intermediates: kind === 'missingIntermediate' ? [] : [sub.certificate],
    trustAnchors: [root.certificate],
    crls,
    ocspResponses,
    validationTime,
    expectValid: kind === 'valid' || kind === 'revokedAfter',
    revokedAt,
  };
}
