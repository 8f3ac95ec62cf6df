import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevCa, generateSoftwareKey, scenarioCas } from '../../devca';
import { Certificate } from '../../x509/certificate';
import { RevocationChecker, RevocationFetcher } from '../types';
import { CombinedRevocationChecker, OcspRevocationChecker, ocspUrls } from './checker';
import { buildOcspRequest, certIdFor, parseOcspRequest } from './request';
import { parseOcspResponse } from './response';
import { verifyOcspResponse } from './verify';

const DAY = 24 * 3600_000;
const NOW = new Date('2026-03-10T08:00:00Z');
const at = (ms: number) => new Date(NOW.getTime() + ms);

describe('OCSP', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kyso-ocsp-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, data: string | Uint8Array) => (writeFileSync(join(dir, name), data), join(dir, name));
  let root: DevCa;
  let sub: DevCa;
  let leaf: Certificate;
  const issueLeaf = () =>
    sub.issue({
      subject: { CN: 'Phạm Thị D', O: 'Sở Y tế' },
      publicKeySpki: generateSoftwareKey().publicKeySpki,
      profile: 'person',
      notBefore: at(-10 * DAY),
    });
  const opts = () => ({ certificate: leaf, issuer: sub.certificate, time: NOW, now: NOW });

  beforeAll(async () => {
    ({ root } = await scenarioCas({ now: NOW }));
    sub = await root.createSubordinate({
      commonName: 'OCSP Sub',
      notBefore: at(-30 * DAY),
      ocspUrl: 'http://127.0.0.1:3003/ocsp',
    });
    leaf = await issueLeaf();
  });

  it('builds requests openssl reads, with SHA-256 or SHA-1 CertIDs and a nonce, and parses what openssl builds', () => {
    const req = buildOcspRequest({ certificate: leaf, issuer: sub.certificate });
    const text = execFileSync('openssl', ['ocsp', '-reqin', file('req.der', req.der), '-req_text'], {
      encoding: 'utf8',
    });
    expect(text).toContain('Hash Algorithm: sha256');
    expect(text).toContain(`Serial Number: ${leaf.serialNumberHex}`);
    expect(text).toContain('OCSP Nonce');
    expect(parseOcspRequest(req.der)).toMatchObject({ certIds: [certIdFor(leaf, sub.certificate)], nonce: req.nonce });
    const sha1 = buildOcspRequest({ certificate: leaf, issuer: sub.certificate, hash: 'SHA-1', nonce: false });
    expect(sha1.nonce).toBeUndefined();
    expect(
      execFileSync('openssl', ['ocsp', '-reqin', file('req1.der', sha1.der), '-req_text'], { encoding: 'utf8' }),
    ).toContain('Hash Algorithm: sha1');

    execFileSync('openssl', [
      'ocsp',
      '-issuer',
      file('sub.pem', sub.certificate.toPem()),
      '-sha256',
      '-cert',
      file('leaf.pem', leaf.toPem()),
      '-reqout',
      join(dir, 'o.der'),
    ]);
    const theirs = parseOcspRequest(readFileSync(join(dir, 'o.der')));
    expect(theirs.certIds[0]).toMatchObject({
      issuerNameHash: certIdFor(leaf, sub.certificate).issuerNameHash,
      serialNumber: leaf.serialNumberHex,
    });
    expect(theirs.nonce).toHaveLength(16);
    expect(ocspUrls(leaf)).toEqual(['http://127.0.0.1:3003/ocsp']);
  });

  it('answers with responses openssl verifies and we verify (good, revoked with reason, nonce echoed)', async () => {
    const req = buildOcspRequest({ certificate: leaf, issuer: sub.certificate });
    const good = await sub.ocspResponse({ request: req.der, thisUpdate: at(-60_000), nextUpdate: at(DAY) });
    // openssl checks the status times against its own clock: give it a response of today.
    const today = await sub.ocspResponse({ request: req.der, nextUpdate: new Date(Date.now() + DAY) });
    const out = execFileSync(
      'openssl',
      [
        'ocsp',
        '-respin',
        file('good.der', today),
        '-issuer',
        file('sub.pem', sub.certificate.toPem()),
        '-sha256',
        '-cert',
        file('leaf.pem', leaf.toPem()),
        '-CAfile',
        file('root.pem', root.certificate.toPem()),
        '-verify_other',
        join(dir, 'sub.pem'),
        '-no_nonce',
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    expect(out).toContain('leaf.pem: good');
    expect(verifyOcspResponse(good, { ...opts(), nonce: req.nonce })).toMatchObject({
      status: 'good',
      source: 'ocsp',
      delegated: false,
      problems: [],
      evidence: good,
    });

    const revoked = await issueLeaf();
    sub.revoke(revoked, { revocationDate: at(-DAY), reason: 'keyCompromise' });
    const r = await sub.ocspResponse({ certificate: revoked, thisUpdate: at(-60_000) });
    const text = execFileSync('openssl', ['ocsp', '-respin', file('rev.der', r), '-resp_text', '-noverify'], {
      encoding: 'utf8',
    });
    expect(text).toMatch(/Cert Status: revoked[\s\S]*Reason: keyCompromise/);
    const base = { certificate: revoked, issuer: sub.certificate, now: NOW };
    expect(verifyOcspResponse(r, { ...base, time: NOW })).toMatchObject({
      status: 'revoked',
      reason: 'keyCompromise',
      revocationTime: at(-DAY),
    });
    // Revoked after the time asked about: good then.
    expect(verifyOcspResponse(r, { ...base, time: at(-2 * DAY) })).toMatchObject({
      status: 'good',
      revocationTime: at(-DAY),
    });
    // A revocation dated after the answer's thisUpdate: revoked by thisUpdate, as a CRL entry is.
    const ahead = await sub.ocspResponse({
      certificate: revoked,
      thisUpdate: at(-2 * DAY),
      status: 'revoked',
      revocationTime: at(-DAY),
    });
    expect(verifyOcspResponse(ahead, { ...base, time: at(-1.5 * DAY) })).toMatchObject({
      status: 'revoked',
      revocationTime: at(-2 * DAY),
    });
  });

  it('refuses a wrong nonce, a response about another certificate, a broken signature and an unknown status', async () => {
    const req = buildOcspRequest({ certificate: leaf, issuer: sub.certificate });
    const other = buildOcspRequest({ certificate: leaf, issuer: sub.certificate });
    const replay = await sub.ocspResponse({ request: other.der, thisUpdate: NOW });
    expect(verifyOcspResponse(replay, { ...opts(), nonce: req.nonce }).problems).toEqual(['OCSP_NONCE_MISMATCH']);
    const noNonce = await sub.ocspResponse({ certificate: leaf, thisUpdate: NOW });
    expect(verifyOcspResponse(noNonce, { ...opts(), nonce: req.nonce }).status).toBe('good');
    expect(verifyOcspResponse(noNonce, { ...opts(), nonce: req.nonce, requireNonce: true }).problems).toEqual([
      'OCSP_NONCE_MISSING',
    ]);

    const stranger = await issueLeaf();
    expect(
      verifyOcspResponse(await sub.ocspResponse({ certificate: stranger, thisUpdate: NOW }), opts()).problems,
    ).toEqual(['OCSP_CERT_ID_MISMATCH']);
    const bad = new Uint8Array(noNonce);
    bad[bad.length - 3] ^= 0x10;
    expect(verifyOcspResponse(bad, opts()).problems).toEqual(['OCSP_SIGNATURE_INVALID']);
    expect(
      verifyOcspResponse(await sub.ocspResponse({ certificate: leaf, status: 'unknown', thisUpdate: NOW }), opts())
        .problems,
    ).toEqual(['OCSP_CERT_STATUS_UNKNOWN']);
    expect(
      verifyOcspResponse(await sub.ocspResponse({ certificate: leaf, responseStatus: 'tryLater' }), opts()).problems,
    ).toEqual(['OCSP_RESPONSE_STATUS_TRY_LATER']);
    const fromRoot = await root.ocspResponse({ certificate: leaf, thisUpdate: NOW });
    expect(verifyOcspResponse(fromRoot, opts()).problems).toEqual(['OCSP_RESPONDER_NOT_FOUND']);
  });

  it('applies the clock-skew tolerance to thisUpdate and decides whether a good answer reaches the time asked', async () => {
    const future = await sub.ocspResponse({ certificate: leaf, thisUpdate: at(4 * 60_000) });
    expect(verifyOcspResponse(future, opts()).status).toBe('good'); // within 5 minutes
    expect(verifyOcspResponse(future, { ...opts(), clockSkewMs: 60_000 }).problems).toEqual([
      'OCSP_RESPONSE_NOT_YET_VALID',
    ]);
    // A response produced after the validation runs is no evidence either, whatever its thisUpdate.
    const producedLater = await sub.ocspResponse({ certificate: leaf, thisUpdate: NOW, producedAt: at(10 * 60_000) });
    expect(verifyOcspResponse(producedLater, opts())).toMatchObject({
      status: 'unknown',
      problems: ['OCSP_RESPONSE_NOT_YET_VALID'],
    });
    const old = await sub.ocspResponse({ certificate: leaf, thisUpdate: at(-DAY), nextUpdate: at(-DAY + 3600_000) });
    expect(verifyOcspResponse(old, opts()).problems).toEqual(['OCSP_RESPONSE_TOO_OLD']);
    // The same old response speaks for a time inside its window (an archived response for a signing time).
    expect(verifyOcspResponse(old, { ...opts(), time: at(-DAY + 60_000) }).status).toBe('good');
    const byKey = await sub.ocspResponse({ certificate: leaf, thisUpdate: NOW, responderIdByKey: true, hash: 'SHA-1' });
    expect(verifyOcspResponse(byKey, opts()).status).toBe('good');
  });

  it('takes "good" issued after the certificate expired as evidence only with an archiveCutoff before the expiry (RFC 6960 4.4.4)', async () => {
    const expired = await sub.issue({
      subject: { CN: 'Expired Leaf' },
      publicKeySpki: generateSoftwareKey().publicKeySpki,
      profile: 'person',
      notBefore: at(-10 * DAY),
      notAfter: at(-2 * DAY),
    });
    const asked = { ...opts(), certificate: expired, time: at(-3 * DAY) }; // e.g. a signature's POE
    const after = await sub.ocspResponse({ certificate: expired, thisUpdate: NOW });
    expect(verifyOcspResponse(after, asked)).toMatchObject({
      status: 'unknown',
      problems: ['OCSP_ISSUED_AFTER_CERTIFICATE_EXPIRY'],
    });
    const archived = await sub.ocspResponse({ certificate: expired, thisUpdate: NOW, archiveCutoff: at(-5 * DAY) });
    expect(verifyOcspResponse(archived, asked).status).toBe('good');
    const lateCutoff = await sub.ocspResponse({ certificate: expired, thisUpdate: NOW, archiveCutoff: at(-DAY) });
    expect(verifyOcspResponse(lateCutoff, asked).status).toBe('unknown');
    // Issued before the expiry: evidence as ever; and "revoked" after it still counts.
    const before = await sub.ocspResponse({
      certificate: expired,
      thisUpdate: at(-3 * DAY),
      nextUpdate: at(-2.5 * DAY),
    });
    expect(verifyOcspResponse(before, asked).status).toBe('good');
    const revoked = await sub.ocspResponse({
      certificate: expired,
      thisUpdate: NOW,
      status: 'revoked',
      revocationTime: at(-4 * DAY),
    });
    expect(verifyOcspResponse(revoked, asked).status).toBe('revoked');
  });

  it('accepts a delegated responder with OCSPSigning and nocheck, and exposes when its own status must be checked', async () => {
    const nocheck = await sub.issueOcspResponderCertificate({ notBefore: at(-DAY) });
    const r1 = await sub.ocspResponse({
      certificate: leaf,
      thisUpdate: NOW,
      responder: { certificate: nocheck.certificate, signer: nocheck.key.signer },
    });
    execFileSync(
      'openssl',
      [
        'ocsp',
        '-respin',
        file('d.der', r1),
        '-issuer',
        file('sub.pem', sub.certificate.toPem()),
        '-sha256',
        '-cert',
        file('leaf.pem', leaf.toPem()),
        '-CAfile',
        file('root.pem', root.certificate.toPem()),
        '-verify_other',
        join(dir, 'sub.pem'),
        '-no_nonce',
      ],
      { stdio: 'pipe' },
    );
    expect(verifyOcspResponse(r1, opts())).toMatchObject({
      status: 'good',
      delegated: true,
      responderNeedsRevocationCheck: false,
    });

    const checked = await sub.issueOcspResponderCertificate({ noCheck: false, notBefore: at(-DAY) });
    const r2 = await sub.ocspResponse({
      certificate: leaf,
      thisUpdate: NOW,
      responder: { certificate: checked.certificate, signer: checked.key.signer },
    });
    expect(verifyOcspResponse(r2, opts())).toMatchObject({ status: 'good', responderNeedsRevocationCheck: true });
    const query = {
      certificate: leaf,
      issuer: sub.certificate,
      time: NOW,
      path: [leaf, sub.certificate, root.certificate],
    };
    const clock = () => NOW;
    expect(await new OcspRevocationChecker({ responses: [r2], clock }).check(query)).toMatchObject({
      status: 'unknown',
      problems: ['OCSP_RESPONDER_STATUS_UNCHECKED'],
    });
    const responderGood = await sub.ocspResponse({ certificate: checked.certificate, thisUpdate: NOW });
    const withCheck = new OcspRevocationChecker({
      responses: [r2],
      clock,
      responderStatusChecker: new OcspRevocationChecker({ responses: [responderGood], clock }),
    });
    expect((await withCheck.check(query)).status).toBe('good');
    sub.revoke(checked.certificate, { revocationDate: at(-DAY) });
    const responderRevoked = await sub.ocspResponse({ certificate: checked.certificate, thisUpdate: NOW });
    const refused = new OcspRevocationChecker({
      responses: [r2],
      clock,
      responderStatusChecker: new OcspRevocationChecker({ responses: [responderRevoked], clock }),
    });
    expect(await refused.check(query)).toMatchObject({ status: 'unknown', problems: ['OCSP_RESPONDER_REVOKED'] });

    const noEku = await sub.issueOcspResponderCertificate({
      extendedKeyUsage: ['1.3.6.1.5.5.7.3.2'],
      notBefore: at(-DAY),
    });
    const r3 = await sub.ocspResponse({
      certificate: leaf,
      thisUpdate: NOW,
      responder: { certificate: noEku.certificate, signer: noEku.key.signer },
    });
    expect(verifyOcspResponse(r3, opts()).problems).toEqual([
      'OCSP_RESPONDER_UNAUTHORISED',
      'OCSP_RESPONDER_NO_OCSP_SIGNING',
    ]);
    const foreign = await root.issueOcspResponderCertificate({ notBefore: at(-DAY) }); // OCSPSigning, but certified by another CA
    const r4 = await sub.ocspResponse({
      certificate: leaf,
      thisUpdate: NOW,
      responder: { certificate: foreign.certificate, signer: foreign.key.signer },
    });
    expect(verifyOcspResponse(r4, opts()).problems).toContain('OCSP_RESPONDER_NOT_ISSUED_BY_CA');
  });

  it('judges a delegated responder certificate at producedAt: expired then is unauthorised, expired since is not (RFC 6960 4.2.2.2)', async () => {
    const responder = await sub.issueOcspResponderCertificate({ notBefore: at(-10 * DAY), notAfter: at(-DAY) });
    const signedBy = { certificate: responder.certificate, signer: responder.key.signer };
    const late = await sub.ocspResponse({ certificate: leaf, thisUpdate: NOW, responder: signedBy });
    expect(verifyOcspResponse(late, opts())).toMatchObject({
      status: 'unknown',
      problems: ['OCSP_RESPONDER_UNAUTHORISED', 'OCSP_RESPONDER_CERTIFICATE_EXPIRED'],
    });
    // Produced while the responder was valid, asked about a time it covers: still evidence.
    const then = at(-2 * DAY);
    const inTime = await sub.ocspResponse({ certificate: leaf, thisUpdate: then, responder: signedBy });
    expect(verifyOcspResponse(inTime, { ...opts(), time: then })).toMatchObject({ status: 'good', delegated: true });
  });

  it('fetches through the injected fetcher from the AIA URL, with a fresh nonce the responder echoes', async () => {
    const seen: string[] = [];
    const fetcher: RevocationFetcher = {
      fetchCrl: () => Promise.reject(new Error('no CRL here')),
      fetchOcsp: async (url, request) => (seen.push(url), sub.ocspResponse({ request, thisUpdate: NOW })),
    };
    const query = { certificate: leaf, issuer: sub.certificate, time: NOW, path: [leaf, sub.certificate] };
    const r = await new OcspRevocationChecker({ fetcher, clock: () => NOW, requireNonce: true }).check(query);
    expect(r).toMatchObject({ status: 'good', source: 'ocsp' });
    expect(seen).toEqual(['http://127.0.0.1:3003/ocsp']);
    const down: RevocationFetcher = {
      fetchCrl: fetcher.fetchCrl,
      fetchOcsp: () => Promise.reject(new Error('ECONNREFUSED')),
    };
    expect(await new OcspRevocationChecker({ fetcher: down, clock: () => NOW }).check(query)).toMatchObject({
      status: 'unknown',
      problems: ['OCSP_FETCH_FAILED'],
    });
    // A fetcher that names the cause (the verifier's address guard): the code reaches the problems.
    const refused: RevocationFetcher = {
      fetchCrl: fetcher.fetchCrl,
      fetchOcsp: () => Promise.reject(Object.assign(new Error('refused'), { problem: 'FETCH_ADDRESS_REFUSED' })),
    };
    expect(await new OcspRevocationChecker({ fetcher: refused, clock: () => NOW }).check(query)).toMatchObject({
      status: 'unknown',
      problems: ['OCSP_FETCH_FAILED', 'FETCH_ADDRESS_REFUSED'],
    });
    expect(await new OcspRevocationChecker().check(query)).toMatchObject({
      status: 'unknown',
      problems: ['OCSP_NO_RESPONSE'],
    });
  });

  it('combines checkers: first definitive answer wins, unknown only when all are unknown', async () => {
    const query = { certificate: leaf, issuer: sub.certificate, time: NOW, path: [leaf] };
    const fixed = (status: 'good' | 'revoked' | 'unknown', problem = 'X'): RevocationChecker => ({
      check: async () => ({
        status,
        source: status === 'unknown' ? null : 'crl',
        problems: status === 'unknown' ? [problem] : [],
      }),
    });
    const boom: RevocationChecker = { check: () => Promise.reject(new Error('bug')) };
    expect((await new CombinedRevocationChecker([fixed('unknown', 'A'), fixed('revoked')]).check(query)).status).toBe(
      'revoked',
    );
    expect((await new CombinedRevocationChecker([fixed('good'), fixed('revoked')]).check(query)).status).toBe('good');
    expect(
      await new CombinedRevocationChecker([fixed('unknown', 'A'), boom, fixed('unknown', 'B')]).check(query),
    ).toEqual({
      status: 'unknown',
      source: null,
      problems: ['A', 'REVOCATION_CHECKER_FAILED', 'B'],
    });
    expect((await new CombinedRevocationChecker([]).check(query)).problems).toEqual(['NO_REVOCATION_SOURCE']);
  });

  it('parses what it was given and keeps the DER', async () => {
    const der = await sub.ocspResponse({ certificate: leaf, thisUpdate: NOW, nextUpdate: at(DAY) });
    const p = parseOcspResponse(der);
    expect(p.der).toBe(der);
    expect(p.basic?.responses[0]).toMatchObject({ status: 'good', thisUpdate: NOW, nextUpdate: at(DAY) });
    expect(() => parseOcspResponse(new Uint8Array())).toThrow(expect.objectContaining({ code: 'OCSP_RESPONSE_EMPTY' }));
    expect(() => parseOcspResponse(Uint8Array.of(...der, 0))).toThrow(
      expect.objectContaining({ code: 'OCSP_RESPONSE_TRAILING_DATA' }),
    );
    expect(() => parseOcspResponse(new Uint8Array(2 * 1024 * 1024))).toThrow(
      expect.objectContaining({ code: 'OCSP_RESPONSE_TOO_LARGE' }),
    );
  });
});
