import { badRequest, Clock, SystemClock } from '@kyso/common';
import { DevCa, generateSoftwareKey, SubjectSpec } from '@kyso/pki';
import type { LifecycleRequest } from '../requests/request';
import { CaAnswer, CaConnector, SubjectFacts } from './ca-connector';

const CERTIFYING = new Set(['issue', 'renew', 'change', 'reissue']);

/**
 * The development CA: fulfils every request at once. It certifies the public key the request
 * carries (generated in the token by the IT officer's tool) or, for a device/service subject
 * without one, a software key made here (dev only: the private key is thrown away).
 */
export class DevCaConnector extends CaConnector {
  readonly kind = 'dev' as const;

  constructor(
    readonly ca: DevCa,
    private readonly chain: DevCa['certificate'][],
    /** The root CA, when its key is at hand: it publishes the CRL covering the subordinate. */
    readonly root?: DevCa,
    private readonly clock: Clock = new SystemClock(),
  ) {
    super();
  }

  async onSent(request: LifecycleRequest, subject: SubjectFacts): Promise<CaAnswer> {
    if (request.type === 'revoke') return { kind: 'revocation', revokedAt: this.clock.now() };
    if (!CERTIFYING.has(request.type)) return { kind: 'done' };
    let spki = subject.publicKeySpki;
    let keyUri: string | undefined;
    if (!spki) {
      if (subject.subjectType !== 'device') {
        throw badRequest(
          'MISSING_FIELD',
          'details.publicKeySpki (base64 DER) is required: the key is generated in the token',
          {
            errors: [{ field: 'details.publicKeySpki', problem: 'missing' }],
          },
        );
      }
      spki = generateSoftwareKey().publicKeySpki;
      keyUri = `urn:kyso:dev-ca:software-key:${request.id}`;
    }
    const certificate = await this.ca.issue({
      subject: subjectSpec(subject),
      publicKeySpki: spki,
      profile: subject.subjectType,
    });
    return { kind: 'certificate', certificate, chain: [this.ca.certificate, ...this.chain], keyUri };
  }
}

/** Subject names as VGCA writes them (R4). */
export function subjectSpec(s: SubjectFacts): SubjectSpec {
  const org = s.organization;
  switch (s.subjectType) {
    case 'person':
      return {
        C: 'VN',
        O: org.parentName ?? org.name,
        OU: [org.name],
        title: s.official?.title,
        CN: s.official?.fullName ?? org.name,
        E: s.official?.email,
      };
    case 'organization':
      return { C: 'VN', O: org.parentName ?? undefined, CN: org.name.toLocaleUpperCase('vi') };
    case 'device':
      return { C: 'VN', O: org.name, CN: s.official?.fullName ?? `${org.name} (thiết bị)` };
  }
}
