import { DevCa, generateSoftwareKey, scenarioCas } from '../../devca';
import { Certificate } from '../../x509/certificate';
import { OcspRevocationChecker } from './checker';
import { buildOcspRequest, CERT_ID_CACHE, certIdFor, certIdMatches, parseOcspRequest } from './request';
import { OCSP_EXAMINED, OCSP_EXAMINED_ENTRIES, verifyOcspResponse } from './verify';

const DAY = 24 * 3600_000;
const NOW = new Date('2026-03-10T08:00:00Z');
const at = (ms: number) => new Date(NOW.getTime() + ms);

/** The memo of the time-independent part of verifying an OCSP response (verify.ts OCSP_EXAMINED). */
describe('OCSP verification memo', () => {
  let root: DevCa;
  let sub: DevCa;
  let leaf: Certificate;
  const issueLeaf = () =>
    sub.issue({
      subject: { CN: 'Memo Leaf' },
      publicKeySpki: generateSoftwareKey().publicKeySpki,
      profile: 'person',
      notBefore: at(-10 * DAY),
    });
  const opts = () => ({ certificate: leaf, issuer: sub.certificate, time: NOW, now: NOW });
  /** What one call did to the memo. */
  const counted = <T>(f: () => T) => {
    const [hits, misses] = [OCSP_EXAMINED.hits, OCSP_EXAMINED.misses];
    const value = f();
    return { value, hits: OCSP_EXAMINED.hits - hits, misses: OCSP_EXAMINED.misses - misses };
  };

  beforeAll(async () => {
    ({ root } = await scenarioCas({ now: NOW }));
    sub = await root.createSubordinate({ commonName: 'Memo Sub', notBefore: at(-30 * DAY) });
    leaf = await issueLeaf();
  });
  beforeEach(() => {
    OCSP_EXAMINED.resize(OCSP_EXAMINED_ENTRIES);
    OCSP_EXAMINED.clear();
  });

  it('answers a repeated verification from the memo with the same result as without it, evidence the caller’s bytes', async () => {
    const der = await sub.ocspResponse({ certificate: leaf, thisUpdate: NOW, nextUpdate: at(DAY) });
    const first = counted(() => verifyOcspResponse(der, opts()));
    expect(first).toMatchObject({ hits: 0, misses: 1, value: { status: 'good', problems: [] } });
    const copy = der.slice();
    const again = counted(() => verifyOcspResponse(copy, opts()));
    expect(again).toMatchObject({ hits: 1, misses: 0 });
    expect(again.value).toEqual(first.value);
    expect(again.value.evidence).toBe(copy);
    expect(again.value.responderCertificate).toBe(sub.certificate);
    OCSP_EXAMINED.resize(0);
    expect(verifyOcspResponse(der, opts())).toEqual(first.value);
    expect(OCSP_EXAMINED.size).toBe(0);
  });

  it('keeps nothing a caller can change: a result edited by one caller does not reach the next', async () => {
    const der = await sub.ocspResponse({ certificate: leaf, thisUpdate: NOW, nextUpdate: at(DAY) });
    const first = verifyOcspResponse(der, opts());
    first.thisUpdate!.setTime(0);
    first.problems.push('EDITED');
    first.fetchedAt = NOW;
    const next = verifyOcspResponse(der, opts());
    expect(next).toMatchObject({ thisUpdate: NOW, problems: [] });
    expect(next.fetchedAt).toBeUndefined();
  });

  it('misses for another response, certificate or issuer, and answers each for itself', async () => {
    const der = await sub.ocspResponse({ certificate: leaf, thisUpdate: NOW });
    expect(verifyOcspResponse(der, opts()).status).toBe('good');
    const other = await issueLeaf();
    const forOther = counted(() => verifyOcspResponse(der, { ...opts(), certificate: other }));
    expect(forOther).toMatchObject({ misses: 1, value: { problems: ['OCSP_CERT_ID_MISMATCH'] } });
    const otherCa = await root.createSubordinate({ commonName: 'Memo Sub 2', notBefore: at(-30 * DAY) });
    const otherIssuer = counted(() => verifyOcspResponse(der, { ...opts(), issuer: otherCa.certificate }));
    expect(otherIssuer).toMatchObject({ misses: 1, value: { problems: ['OCSP_RESPONDER_NOT_FOUND'] } });
    const later = await sub.ocspResponse({
      certificate: leaf,
      status: 'revoked',
      revocationTime: at(-DAY),
      thisUpdate: NOW,
    });
    expect(counted(() => verifyOcspResponse(later, opts()))).toMatchObject({
      misses: 1,
      value: { status: 'revoked', revocationTime: at(-DAY) },
    });
    expect(OCSP_EXAMINED.size).toBe(4); // one per (response, certificate, issuer)
  });

  it('decides the time, the clock and the nonce again on a hit', async () => {
    const der = await sub.ocspResponse({ certificate: leaf, thisUpdate: NOW, nextUpdate: at(DAY) });
    expect(verifyOcspResponse(der, opts()).status).toBe('good');
    const hit = (o: Partial<ReturnType<typeof opts>> & { nonce?: Uint8Array; requireNonce?: boolean }) => {
      const r = counted(() => verifyOcspResponse(der, { ...opts(), ...o }));
      expect(r.hits).toBe(1);
      return r.value;
    };
    // Not yet valid for a clock an hour before it was produced; too old for a time after nextUpdate.
    expect(hit({ now: at(-3600_000), time: at(-3600_000) }).problems).toEqual(['OCSP_RESPONSE_NOT_YET_VALID']);
    expect(hit({ time: at(2 * DAY), now: at(2 * DAY) }).problems).toEqual(['OCSP_RESPONSE_TOO_OLD']);
    expect(hit({ nonce: Uint8Array.of(1, 2, 3), requireNonce: true }).problems).toEqual(['OCSP_NONCE_MISSING']);
    expect(hit({}).status).toBe('good');

    const req = buildOcspRequest({ certificate: leaf, issuer: sub.certificate });
    const withNonce = await sub.ocspResponse({ request: req.der, thisUpdate: NOW });
    expect(verifyOcspResponse(withNonce, { ...opts(), nonce: req.nonce }).status).toBe('good');
    const replayed = counted(() => verifyOcspResponse(withNonce, { ...opts(), nonce: Uint8Array.of(9, 9) }));
    expect(replayed).toMatchObject({ hits: 1, value: { problems: ['OCSP_NONCE_MISMATCH'] } });
    // A response that was cached (fetched with another nonce) and is read without one: accepted as before.
    expect(verifyOcspResponse(withNonce, opts()).status).toBe('good');
  });

  it('refuses a response with one byte changed after the genuine one was remembered', async () => {
    const der = await sub.ocspResponse({ certificate: leaf, thisUpdate: NOW });
    expect(verifyOcspResponse(der, opts()).status).toBe('good');
    const bad = der.slice();
    bad[bad.length - 3] ^= 0x10; // in the signature
    expect(counted(() => verifyOcspResponse(bad, opts()))).toMatchObject({
      misses: 1,
      value: { status: 'unknown', problems: ['OCSP_SIGNATURE_INVALID'] },
    });
    // And the refusal is remembered as a refusal, the genuine answer still good.
    expect(verifyOcspResponse(bad, opts()).problems).toEqual(['OCSP_SIGNATURE_INVALID']);
    expect(verifyOcspResponse(der, opts()).status).toBe('good');
  });

  it('keeps a delegated responder’s authorisation, and the checker still asks for its own status on a hit', async () => {
    const checked = await sub.issueOcspResponderCertificate({ noCheck: false, notBefore: at(-DAY) });
    const der = await sub.ocspResponse({
      certificate: leaf,
      thisUpdate: NOW,
      responder: { certificate: checked.certificate, signer: checked.key.signer },
    });
    const first = verifyOcspResponse(der, opts());
    expect(first).toMatchObject({ status: 'good', delegated: true, responderNeedsRevocationCheck: true });
    const query = { certificate: leaf, issuer: sub.certificate, time: NOW, path: [leaf, sub.certificate] };
    const clock = () => NOW;
    const revokedResponder = await sub.ocspResponse({
      certificate: checked.certificate,
      status: 'revoked',
      revocationTime: at(-60_000),
      thisUpdate: NOW,
    });
    const checker = new OcspRevocationChecker({
      responses: [der],
      clock,
      responderStatusChecker: new OcspRevocationChecker({ responses: [revokedResponder], clock }),
    });
    const hits = OCSP_EXAMINED.hits;
    expect(await checker.check(query)).toMatchObject({ status: 'unknown', problems: ['OCSP_RESPONDER_REVOKED'] });
    expect(OCSP_EXAMINED.hits - hits).toBe(1);
  });
});

describe('CertID memo', () => {
  it('builds a CertID once per certificate, issuer and hash, and matches only its own', async () => {
    const { root } = await scenarioCas({ now: NOW });
    const sub = await root.createSubordinate({ commonName: 'CertID Sub', notBefore: at(-30 * DAY) });
    const other = await root.createSubordinate({ commonName: 'CertID Sub', notBefore: at(-30 * DAY) });
    const leaf = await sub.issue({
      subject: { CN: 'CertID Leaf' },
      publicKeySpki: generateSoftwareKey().publicKeySpki,
      profile: 'person',
    });
    CERT_ID_CACHE.clear();
    const id = certIdFor(leaf, sub.certificate);
    expect(certIdFor(leaf, sub.certificate)).toEqual(id);
    expect(CERT_ID_CACHE.hits).toBe(1);
    // Same name, another key: another issuerKeyHash, so no match.
    expect(certIdFor(leaf, other.certificate).issuerKeyHash).not.toBe(id.issuerKeyHash);
    expect(certIdMatches(id, leaf, other.certificate)).toBe(false);
    expect(certIdMatches(id, leaf, sub.certificate)).toBe(true);
    expect(certIdMatches(certIdFor(leaf, sub.certificate, 'SHA-1'), leaf, sub.certificate)).toBe(true);
    // A request without a nonce is the same bytes each time; with one, a fresh nonce each time.
    const plain = buildOcspRequest({ certificate: leaf, issuer: sub.certificate, nonce: false });
    expect(buildOcspRequest({ certificate: leaf, issuer: sub.certificate, nonce: false }).der).toBe(plain.der);
    expect(parseOcspRequest(plain.der)).toMatchObject({ certIds: [id], nonce: undefined });
    const sha1 = buildOcspRequest({ certificate: leaf, issuer: sub.certificate, nonce: false, hash: 'SHA-1' });
    expect(parseOcspRequest(sha1.der).certIds[0].hashAlgorithm).toBe('1.3.14.3.2.26');
    expect(
      parseOcspRequest(buildOcspRequest({ certificate: leaf, issuer: other.certificate, nonce: false }).der),
    ).toMatchObject({ certIds: [certIdFor(leaf, other.certificate)] });
    const [n1, n2] = [1, 2].map(() => buildOcspRequest({ certificate: leaf, issuer: sub.certificate }));
    expect(n1.nonce).toHaveLength(32);
    expect(Buffer.from(n1.nonce!).equals(Buffer.from(n2.nonce!))).toBe(false);
    expect(parseOcspRequest(n2.der)).toMatchObject({ certIds: [id], nonce: n2.nonce });
    // What a caller does to its copy does not reach the next one.
    id.serialNumber = '00';
    expect(certIdFor(leaf, sub.certificate).serialNumber).toBe(leaf.serialNumberHex);
  });
});
