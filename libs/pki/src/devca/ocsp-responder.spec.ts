import { buildOcspRequest } from '../revocation/ocsp/request';
import { parseOcspResponse } from '../revocation/ocsp/response';
import { OcspRevocationChecker } from '../revocation/ocsp/checker';
import { Certificate } from '../x509/certificate';
import { DevCa } from './dev-ca';
import { scenarioCas } from './scenarios';
import { generateSoftwareKey } from './software-key';

const NOW = new Date('2026-03-10T08:00:00Z');
const HOUR = 3600_000;

describe('dev CA OCSP responder: nextUpdate and unknown serials', () => {
  let sub: DevCa;
  let leaf: Certificate;
  let stranger: Certificate;

  beforeAll(async () => {
    const { root } = await scenarioCas({ now: NOW });
    sub = await root.createSubordinate({ commonName: 'Responder Sub', notBefore: new Date(NOW.getTime() - HOUR) });
    const issue = () =>
      sub.issue({
        subject: { CN: 'Nguyễn Văn E' },
        publicKeySpki: generateSoftwareKey().publicKeySpki,
        profile: 'person',
        notBefore: new Date(NOW.getTime() - HOUR),
      });
    leaf = await issue();
    stranger = await issue(); // signed by the CA but absent from its records, as a forged issuance would be
  });

  const answer = async (cert: Certificate, extra: Parameters<DevCa['ocspResponse']>[0] = {}) => {
    const req = buildOcspRequest({ certificate: cert, issuer: sub.certificate, nonce: false });
    const der = await sub.ocspResponse({ request: req.der, thisUpdate: NOW, ...extra });
    return { der, single: parseOcspResponse(der).basic!.responses[0] };
  };
  const issuedOnly = (s: string) => s === leaf.serialNumberHex;

  it('puts nextUpdate at thisUpdate + validityMs', async () => {
    const { single } = await answer(leaf, { validityMs: HOUR });
    expect(single.thisUpdate).toEqual(NOW);
    expect(single.nextUpdate).toEqual(new Date(NOW.getTime() + HOUR));
    expect((await answer(leaf)).single.nextUpdate).toBeUndefined();
  });

  it('answers good for a serial it issued and unknown for one it did not, which the checker never takes as good', async () => {
    expect((await answer(leaf, { issued: issuedOnly })).single.status).toBe('good');
    const { der, single } = await answer(stranger, { issued: issuedOnly });
    expect(single.status).toBe('unknown');
    const status = await new OcspRevocationChecker({ responses: [der], clock: () => NOW }).check({
      certificate: stranger,
      issuer: sub.certificate,
      time: NOW,
      path: [stranger, sub.certificate],
    });
    expect(status).toMatchObject({ status: 'unknown', problems: ['OCSP_CERT_STATUS_UNKNOWN'] });
  });

  it('answers revoked for a recorded revocation even when the issued list lacks it', async () => {
    sub.revoke(stranger, { revocationDate: new Date(NOW.getTime() - HOUR), reason: 'keyCompromise' });
    expect((await answer(stranger, { issued: issuedOnly })).single.status).toBe('revoked');
  });
});
