import { DevCa, generateSoftwareKey } from '../../devca';
import { validatePath } from '../../validation/validate-path';
import { Certificate } from '../../x509/certificate';
import { RevocationFetcher } from '../types';
import { Crl } from './crl';
import { CrlRevocationChecker } from './crl-checker';

const day = 86_400_000;
const T0 = new Date('2025-01-01T00:00:00Z');
const at = (days: number) => new Date(T0.getTime() + days * day);
const codes = (r: { reasons: { code: string }[] }) => r.reasons.map((x) => x.code);

describe('CrlRevocationChecker in validatePath', () => {
  let root: DevCa;
  let sub: DevCa;
  let leaf: Certificate;
  const SUB_CRL = 'http://crl.test/sub.crl';
  const ROOT_CRL = 'http://crl.test/root.crl';

  beforeAll(async () => {
    root = await DevCa.createRoot({ commonName: 'CRL Root', notBefore: at(-30), crlUrls: [ROOT_CRL] });
    sub = await root.createSubordinate({ commonName: 'CRL Sub', notBefore: at(-30), crlUrls: [SUB_CRL] });
    leaf = await sub.issue({
      subject: { CN: 'Trần Thị B', O: 'UBND' },
      publicKeySpki: generateSoftwareKey().publicKeySpki,
      profile: 'person',
      notBefore: at(-10),
      notAfter: at(700),
    });
  });

  const crl = async (ca: DevCa, opts: Parameters<DevCa['issueCrl']>[0] = {}) =>
    Crl.fromDer(await ca.issueCrl({ thisUpdate: at(20), nextUpdate: at(40), ...opts }));
  const validate = (
    time: Date,
    checker: CrlRevocationChecker,
    extra: { required?: boolean; proofOfExistence?: Date } = {},
  ) =>
    validatePath({
      leaf,
      intermediates: [sub.certificate],
      trustAnchors: [root.certificate],
      validationTime: time,
      proofOfExistence: extra.proofOfExistence,
      revocation: { checker, required: extra.required ?? true },
    });

  it('decides as of the validation time: revoked after it was good then (ETSI 5.2.6)', async () => {
    const crls = [
      await crl(root),
      await crl(sub, {
        revoked: [{ serialNumber: leaf.serialNumberHex, revocationDate: at(10), reason: 'keyCompromise' }],
      }),
    ];
    const checker = new CrlRevocationChecker({ crls });
    const before = await validate(at(5), checker);
    expect(before).toMatchObject({ valid: true, indication: 'TOTAL-PASSED', revocation: { checked: true } });
    expect(before.revocation.status.map((s) => s.status)).toEqual(['good', 'good']);
    expect(codes(before)).toEqual(['REVOKED_AFTER_VALIDATION_TIME']);
    const after = await validate(at(15), checker);
    expect(after).toMatchObject({ valid: false, indication: 'INDETERMINATE', subIndication: 'REVOKED_NO_POE' });
    expect(after.reasons[0]).toMatchObject({ code: 'REVOKED', certificateIndex: 0 });
    expect(after.revocation.status[0]).toMatchObject({ status: 'revoked', reason: 'keyCompromise', source: 'crl' });
    // a proof that the signed object existed only after the revocation: TOTAL-FAILED
    expect(await validate(at(15), checker, { proofOfExistence: at(12) })).toMatchObject({
      indication: 'TOTAL-FAILED',
      subIndication: 'REVOKED',
    });
    // ... and one from before it: the signature predates the revocation
    expect((await validate(at(15), checker, { proofOfExistence: at(8) })).valid).toBe(true);
  });

  it('takes an entry dated after the CRL was issued as revoked when the CRL was issued (x509-limbo revocation-date-in-future)', async () => {
    // Issued at day 20, the CRL lists the leaf as revoked at day 30: it cannot know that, so the
    // listing says revoked by day 20. Asked about day 25 (after the CRL, before the stated date): revoked.
    const crls = [
      await crl(root),
      await crl(sub, {
        revoked: [{ serialNumber: leaf.serialNumberHex, revocationDate: at(30), reason: 'keyCompromise' }],
      }),
    ];
    const checker = new CrlRevocationChecker({ crls });
    const asked = await validate(at(25), checker);
    expect(asked).toMatchObject({ valid: false, indication: 'INDETERMINATE', subIndication: 'REVOKED_NO_POE' });
    expect(asked.revocation.status[0]).toMatchObject({ status: 'revoked', revocationTime: at(20) });
    // Before the CRL was issued, it still says nothing against the leaf.
    const before = await validate(at(15), checker);
    expect(before).toMatchObject({ valid: true, indication: 'TOTAL-PASSED' });
    expect(codes(before)).toEqual(['REVOKED_AFTER_VALIDATION_TIME']);
  });

  it('treats a hold as revoked while it lasts and lets a delta CRL lift it', async () => {
    const hold = [{ serialNumber: leaf.serialNumberHex, revocationDate: at(1), reason: 'certificateHold' as const }];
    const base = await crl(sub, { revoked: hold, crlNumber: 100 });
    const rootCrl = await crl(root);
    const held = await validate(at(5), new CrlRevocationChecker({ crls: [rootCrl, base] }));
    expect(held).toMatchObject({ valid: false, subIndication: 'REVOKED_NO_POE' });
    expect(held.reasons[0].code).toBe('CERTIFICATE_ON_HOLD');
    const released = await crl(sub, {
      revoked: [{ ...hold[0], revocationDate: at(3), reason: 'removeFromCRL' }],
      crlNumber: 101,
      delta: { baseCrlNumber: 100 },
    });
    expect((await validate(at(5), new CrlRevocationChecker({ crls: [rootCrl, base, released] }))).valid).toBe(true);
    // the release came after time 2: the certificate was on hold then
    expect((await validate(at(2), new CrlRevocationChecker({ crls: [rootCrl, base, released] }))).subIndication).toBe(
      'REVOKED_NO_POE',
    );
  });

  it('gives REVOKED_CA_NO_POE for a revoked intermediate', async () => {
    const crls = [
      await crl(root, {
        revoked: [{ serialNumber: sub.certificate.serialNumberHex, revocationDate: at(1), reason: 'cACompromise' }],
      }),
      await crl(sub),
    ];
    const r = await validate(at(5), new CrlRevocationChecker({ crls }));
    expect(r).toMatchObject({ valid: false, subIndication: 'REVOKED_CA_NO_POE' });
    expect(r.reasons[0]).toMatchObject({ code: 'CA_REVOKED', certificateIndex: 1 });
  });

  it('answers TRY_LATER without usable CRLs when required, and reports unknown otherwise', async () => {
    const stale = [await crl(root, { thisUpdate: at(-20), nextUpdate: at(-1) }), await crl(sub)];
    const required = await validate(at(5), new CrlRevocationChecker({ crls: stale }));
    expect(required).toMatchObject({ valid: false, subIndication: 'TRY_LATER' });
    expect(required.revocation.status[1]).toMatchObject({ status: 'unknown', problems: ['CRL_EXPIRED'] });
    const optional = await validate(at(5), new CrlRevocationChecker({ crls: stale }), { required: false });
    expect(optional.valid).toBe(true);
    expect(codes(optional)).toEqual(['REVOCATION_STATUS_UNKNOWN']);
  });

  it('takes a CRL without nextUpdate as speaking only for its own issue (no replay of an old CRL)', async () => {
    // Issued at day 1 with no nextUpdate, from before the leaf was revoked at day 3.
    const old = await crl(sub, { thisUpdate: at(1), nextUpdate: null, revoked: [] });
    const rootCrl = await crl(root);
    const run = (time: Date) =>
      validatePath({
        leaf,
        intermediates: [sub.certificate],
        trustAnchors: [root.certificate],
        validationTime: time,
        revocation: {
          checker: new CrlRevocationChecker({ crls: [rootCrl, old], clock: () => at(30) }),
          required: true,
        },
      });
    const later = await run(at(10));
    expect(later).toMatchObject({ valid: false, indication: 'INDETERMINATE', subIndication: 'TRY_LATER' });
    expect(later.revocation.status[0]).toMatchObject({ status: 'unknown', problems: ['CRL_NEXT_UPDATE_MISSING'] });
    // For a time up to its issue (within the clock skew) it is evidence as any CRL.
    expect((await run(at(1))).indication).toBe('TOTAL-PASSED');
    expect((await run(new Date(at(1).getTime() + 4 * 60_000))).indication).toBe('TOTAL-PASSED');
  });

  it('uses no CRL issued after the validation is run, beyond 5 minutes of clock skew', async () => {
    const rootCrl = await crl(root);
    // Issued at(20) + 10 minutes: ahead of a validation run at(20), a forged or mis-set date.
    const ahead = await crl(sub, { thisUpdate: new Date(at(20).getTime() + 10 * 60_000) });
    const run = (clock: Date, skew?: number) =>
      validate(at(5), new CrlRevocationChecker({ crls: [rootCrl, ahead], clock: () => clock, clockSkewMs: skew }));
    const early = await run(at(20));
    expect(early).toMatchObject({ valid: false, subIndication: 'TRY_LATER' });
    expect(early.revocation.status[0]).toMatchObject({ status: 'unknown', problems: ['CRL_NOT_YET_VALID'] });
    expect((await run(at(20), 15 * 60_000)).indication).toBe('TOTAL-PASSED');
    // Within the default skew, and once the clock has reached it, the CRL is evidence again.
    expect((await run(new Date(at(20).getTime() + 6 * 60_000))).indication).toBe('TOTAL-PASSED');
    expect((await run(at(21))).indication).toBe('TOTAL-PASSED');
    // Without a clock the system's is used: a CRL dated tomorrow is no evidence today.
    const now = Date.now();
    const current = await sub.issue({
      subject: { CN: 'Current' },
      publicKeySpki: generateSoftwareKey().publicKeySpki,
      profile: 'person',
      notBefore: new Date(now - 10 * day),
      notAfter: new Date(now + 300 * day),
    });
    const fresh = (ca: DevCa, from: number) =>
      crl(ca, { thisUpdate: new Date(from), nextUpdate: new Date(from + 30 * day) });
    const rootFresh = await fresh(root, now - day);
    const today = (subCrl: Crl) =>
      validatePath({
        leaf: current,
        intermediates: [sub.certificate],
        trustAnchors: [root.certificate],
        validationTime: new Date(now),
        revocation: { checker: new CrlRevocationChecker({ crls: [rootFresh, subCrl] }), required: true },
      });
    expect((await today(await fresh(sub, now - day))).indication).toBe('TOTAL-PASSED');
    const r = await today(await fresh(sub, now + day));
    expect(r.indication).not.toBe('TOTAL-PASSED');
    expect(r.revocation.status[0].problems).toContain('CRL_NOT_YET_VALID');
  });

  it('refuses a CRL whose signature does not verify', async () => {
    const good = await root.issueCrl({ thisUpdate: at(20), nextUpdate: at(40) });
    const forged = new Uint8Array(good);
    forged[forged.length - 3] ^= 0x01;
    const r = await validate(at(5), new CrlRevocationChecker({ crls: [Crl.fromDer(forged), await crl(sub)] }));
    expect(r.revocation.status[1].problems).toContain('CRL_SIGNATURE_INVALID');
  });

  it('does not use a CRL without a CRL number or with a critical one (RFC 5280 5.2.3), unless the policy lowers the check', async () => {
    const rootCrl = await crl(root);
    for (const fault of ['missing', 'critical'] as const) {
      const subCrl = await crl(sub, { crlNumberFault: fault });
      const r = await validate(at(5), new CrlRevocationChecker({ crls: [rootCrl, subCrl] }));
      expect(r).toMatchObject({ valid: false, subIndication: 'TRY_LATER' });
      expect(r.revocation.status[0].problems).toContain(
        fault === 'missing' ? 'CRL_NUMBER_MISSING' : 'CRL_NUMBER_CRITICAL',
      );
      const lowered = new CrlRevocationChecker({ crls: [rootCrl, subCrl], crlNumber: 'warn' });
      expect((await validate(at(5), lowered)).valid).toBe(true);
    }
  });

  it('fetches from the distribution points through the injected fetcher, within its budget', async () => {
    const served = new Map([
      [ROOT_CRL, await root.issueCrl({ thisUpdate: at(20), nextUpdate: at(40) })],
      [SUB_CRL, await sub.issueCrl({ thisUpdate: at(20), nextUpdate: at(40) })],
    ]);
    const asked: string[] = [];
    const fetcher: RevocationFetcher = {
      fetchCrl: async (url) => {
        asked.push(url);
        const der = served.get(url);
        if (!der) throw new Error('404');
        return der;
      },
      fetchOcsp: async () => {
        throw new Error('no OCSP here');
      },
    };
    const r = await validate(at(5), new CrlRevocationChecker({ fetcher }));
    expect(r.valid).toBe(true);
    expect(asked.sort()).toEqual([ROOT_CRL, SUB_CRL]);
    const starved = await validate(at(5), new CrlRevocationChecker({ fetcher, maxFetches: 0 }));
    expect(starved.revocation.status[0].problems).toContain('CRL_FETCH_BUDGET_EXCEEDED');
  });
});
