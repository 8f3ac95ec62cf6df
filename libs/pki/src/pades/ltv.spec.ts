import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { PDFDocument } from 'pdf-lib';
import { issuePerson, TestSigner } from '../../test-fixtures/signers';
import { buildSignedData, CMS_OID, parseSignedData } from '../cms';
import { DevCa, DevTsa } from '../devca';
import { appendDss, embedSignature, findSignatures, preparePdfSignature, signedByteRanges } from '../pdf';
import { Crl, CrlRevocationChecker } from '../revocation/crl';
import { TimestampClient } from '../tsp/client';
import { PERMISSIVE_ALGORITHM_POLICY } from '../validation/algorithm-policy';
import { TSP_OID } from '../tsp/request';
import { parseTimeStampResponse } from '../tsp/token';
import { signPdf } from './sign-pdf';
import { timestampPdf } from './timestamp-pdf';
import { verifyPdf, VerifyPdfOptions } from './verify-pdf';

const MIN = 60_000;

/**
 * Time and proof of existence (ETSI EN 319 102-1 5.6.2.1), with a real dev TSA, CA, CRLs and
 * OCSP: a timestamp proves when a signature existed, the claimed time does not; PAdES B-T, B-LT
 * (DSS by incremental update) and B-LTA (document timestamp) validate, B-LT with no network.
 */
describe('PAdES timestamps, proof of existence and LTV data', () => {
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const at = (minutes: number) => new Date(now.getTime() + minutes * MIN);
  const claimed = at(-30);
  const genTime = at(-20);
  const dir = mkdtempSync(join(tmpdir(), 'kyso-ltv-'));
  const file = (name: string, data: string | Uint8Array) => (writeFileSync(join(dir, name), data), join(dir, name));
  let root: DevCa;
  let sub: DevCa;
  let tsa: DevTsa;
  let pdf: Uint8Array;

  beforeAll(async () => {
    root = await DevCa.createRoot({ commonName: 'LTV Root', notBefore: at(-10 * 24 * 60) });
    sub = await root.createSubordinate({ commonName: 'LTV Sub CA', notBefore: at(-10 * 24 * 60) });
    tsa = await DevTsa.create(root, { commonName: 'LTV TSA', clock: () => genTime });
    const doc = await PDFDocument.create();
    doc.addPage();
    pdf = await doc.save({ useObjectStreams: false });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const client =
    (authority: DevTsa): TimestampClient =>
    (request) =>
      authority.timestamp(request);
  const person = (cn: string, notAfter?: Date) =>
    issuePerson(sub, { CN: cn, C: 'VN' }, { notBefore: at(-5 * 24 * 60), notAfter });
  const sign = (s: TestSigner, timestamp?: TimestampClient) =>
    signPdf(pdf, {
      signer: s.key.signer,
      certificate: s.cert,
      chain: [sub.certificate],
      signingTime: claimed,
      timestamp,
    });
  /** Signs with a signature timestamp token the caller makes (to forge what signPdf refuses to). */
  async function signWithToken(s: TestSigner, token: (signature: Uint8Array) => Promise<Uint8Array>) {
    const prepared = preparePdfSignature(pdf, { signingTime: claimed, contentsSize: 24_000 });
    const digest = createHash('sha256');
    for (const r of signedByteRanges(prepared.pdf, prepared.byteRange)) digest.update(r);
    const cms = await buildSignedData({
      contentDigest: digest.digest(),
      signerCertificate: s.cert,
      certificates: [sub.certificate],
      signer: s.key.signer,
      signatureTimestamp: token,
    });
    return embedSignature(prepared, cms);
  }
  const tokenFrom = async (authority: DevTsa, data: Uint8Array) =>
    parseTimeStampResponse(await authority.timestamp({ imprint: createHash('sha256').update(data).digest() })).token!;

  const crls = async (thisUpdate = at(-5)) => [
    Crl.fromDer(await root.issueCrl({ thisUpdate })),
    Crl.fromDer(await sub.issueCrl({ thisUpdate })),
  ];
  const verify = async (signed: Uint8Array, extra: Partial<VerifyPdfOptions> = {}, crlList?: Crl[]) => {
    const list = crlList ?? (await crls());
    return verifyPdf(signed, {
      trustAnchors: [root.certificate],
      validationTime: now,
      revocationChecker: () => new CrlRevocationChecker({ crls: list }),
      ...extra,
    });
  };

  it('a certificate revoked after the claimed time: REVOKED_NO_POE without a timestamp, TOTAL-PASSED with one before the revocation', async () => {
    const official = await person('Retired Official');
    const bb = await sign(official);
    const bt = await sign(official, client(tsa));
    sub.revoke(official.cert, { revocationDate: at(-10), reason: 'cessationOfOperation' });
    expect((await verify(bb)).signatures[0]).toMatchObject({
      indication: 'INDETERMINATE',
      subIndication: 'REVOKED_NO_POE',
      signingTime: { claimed: claimed.toISOString(), timestamped: null, judgedAt: now.toISOString() },
    });
    const s = (await verify(bt)).signatures[0];
    expect(s).toMatchObject({
      indication: 'TOTAL-PASSED',
      signingTime: {
        claimed: claimed.toISOString(),
        timestamped: genTime.toISOString(),
        judgedAt: genTime.toISOString(),
      },
      timestamps: [
        { type: 'signature', genTime: genTime.toISOString(), indication: 'TOTAL-PASSED', tsa: { name: 'LTV TSA' } },
      ],
    });
    expect(s.reasons.map((r) => r.code)).toEqual(
      expect.arrayContaining(['REVOKED_AFTER_VALIDATION_TIME', 'JUDGED_AT_PROOF_OF_EXISTENCE']),
    );
  });

  it('a timestamp after the revocation is no proof before it: REVOKED_NO_POE', async () => {
    const official = await person('Revoked Before The Timestamp');
    const bt = await sign(official, client(tsa));
    sub.revoke(official.cert, { revocationDate: at(-25), reason: 'affiliationChanged' });
    expect((await verify(bt)).signatures[0]).toMatchObject({
      indication: 'INDETERMINATE',
      subIndication: 'REVOKED_NO_POE',
      signingTime: { timestamped: genTime.toISOString() },
    });
  });

  it('an expired certificate: OUT_OF_BOUNDS_NO_POE without a POE, TOTAL-PASSED with a timestamp before the expiry', async () => {
    const official = await person('Expired Official', at(-15));
    const bb = await sign(official);
    const bt = await sign(official, client(tsa));
    // Evidence from before the expiry: a CRL issued after it may no longer list the certificate.
    const beforeExpiry = await crls(at(-18));
    const s = (await verify(bb, {}, beforeExpiry)).signatures[0];
    expect(s).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'OUT_OF_BOUNDS_NO_POE' });
    expect(s.reasons.map((r) => r.code)).toEqual(
      expect.arrayContaining(['EXPIRED', 'OUT_OF_BOUNDS_NO_POE', 'NO_PROOF_OF_EXISTENCE']),
    );
    expect((await verify(bt, {}, beforeExpiry)).signatures[0]).toMatchObject({
      indication: 'TOTAL-PASSED',
      signingTime: { judgedAt: genTime.toISOString() },
    });
  });

  it('a timestamp before the certificate was issued: TOTAL-FAILED/NOT_YET_VALID (EN 319 102-1 5.5, DSS TSV_IBSTAIDOSC)', async () => {
    const late = await issuePerson(sub, { CN: 'Issued After The Timestamp', C: 'VN' }, { notBefore: at(-10) });
    const bt = await sign(late, client(tsa));
    const s = (await verify(bt)).signatures[0];
    expect(s).toMatchObject({
      indication: 'TOTAL-FAILED',
      subIndication: 'NOT_YET_VALID',
      signingTime: { timestamped: genTime.toISOString() },
    });
    expect(s.reasons.map((r) => r.code)).toContain('SIGNED_BEFORE_CERTIFICATE_ISSUANCE');
    // Without a proof the claimed time (also before notBefore) is only a claim: judged now, it passes.
    expect((await verify(await sign(late))).signatures[0]).toMatchObject({ indication: 'TOTAL-PASSED' });
    // A path that fails for another reason stops there (EN 319 102-1 5.5.4): INDETERMINATE, not FAILED.
    const stranger = await DevCa.createRoot({ commonName: 'Another Root', notBefore: at(-60) });
    const untrusted = await verify(bt, {
      trustAnchors: [stranger.certificate],
      timestampTrustAnchors: [root.certificate],
    });
    expect(untrusted.signatures[0]).toMatchObject({
      indication: 'INDETERMINATE',
      subIndication: 'NO_CERTIFICATE_CHAIN_FOUND',
    });
  });

  it('a TSA under its own root: anchored only through timestampTrustAnchors, and that root anchors no signer', async () => {
    const tsaRoot = await DevCa.createRoot({ commonName: 'TSA-only Root', notBefore: at(-10 * 24 * 60) });
    const ownTsa = await DevTsa.create(tsaRoot, { commonName: 'Own TSA', clock: () => genTime });
    const official = await person('Expired Under Own TSA', at(-15));
    const bt = await sign(official, client(ownTsa));
    const list = [...(await crls(at(-18))), Crl.fromDer(await tsaRoot.issueCrl({ thisUpdate: at(-18) }))];
    const signingRootOnly = (await verify(bt, {}, list)).signatures[0];
    expect(signingRootOnly).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'OUT_OF_BOUNDS_NO_POE' });
    const withTsaRoot = (await verify(bt, { timestampTrustAnchors: [tsaRoot.certificate] }, list)).signatures[0];
    expect(withTsaRoot).toMatchObject({ indication: 'TOTAL-PASSED', signingTime: { judgedAt: genTime.toISOString() } });
    const tsaRootForSigners = (await verify(bt, { trustAnchors: [tsaRoot.certificate] }, list)).signatures[0];
    expect(tsaRootForSigners.subIndication).toBe('NO_CERTIFICATE_CHAIN_FOUND');
  });

  it('a signature timestamp over other bytes fails (HASH_FAILURE) and proves nothing', async () => {
    const official = await person('Forged Timestamp');
    const signed = await signWithToken(official, () => tokenFrom(tsa, Buffer.from('not the signature')));
    sub.revoke(official.cert, { revocationDate: at(-10), reason: 'cessationOfOperation' });
    const s = (await verify(signed)).signatures[0];
    expect(s.timestamps[0]).toMatchObject({ indication: 'TOTAL-FAILED', subIndication: 'HASH_FAILURE' });
    expect(s).toMatchObject({
      indication: 'INDETERMINATE',
      subIndication: 'REVOKED_NO_POE',
      signingTime: { timestamped: null },
    });
    expect(s.reasons.map((r) => r.code)).toContain('TIMESTAMP_INVALID');
  });

  it('a signature timestamp with a SHA-1 imprint proves nothing after the SHA-1 cut-off (EN 319 102-1 5.2.8)', async () => {
    const official = await person('SHA-1 Timestamp');
    const sha1Token = async (signature: Uint8Array) =>
      parseTimeStampResponse(
        await tsa.timestamp({ imprint: createHash('sha1').update(signature).digest(), hashAlgorithm: '1.3.14.3.2.26' }),
      ).token!;
    const signed = await signWithToken(official, sha1Token);
    sub.revoke(official.cert, { revocationDate: at(-10), reason: 'cessationOfOperation' });
    const s = (await verify(signed)).signatures[0];
    expect(s.timestamps[0]).toMatchObject({
      indication: 'INDETERMINATE',
      subIndication: 'CRYPTO_CONSTRAINTS_FAILURE_NO_POE',
    });
    expect(s).toMatchObject({
      indication: 'INDETERMINATE',
      subIndication: 'REVOKED_NO_POE',
      signingTime: { timestamped: null },
    });
    // The permissive policy (archives of old documents) still takes it as the POE before the revocation.
    const old = (await verify(signed, { algorithmPolicy: PERMISSIVE_ALGORITHM_POLICY })).signatures[0];
    expect(old).toMatchObject({ indication: 'TOTAL-PASSED', signingTime: { timestamped: genTime.toISOString() } });
  });

  it('a TSA certificate whose timeStamping EKU is not critical is refused (and signPdf will not use it)', async () => {
    const lax = await DevTsa.create(root, { commonName: 'Lax TSA', ekuCritical: false, clock: () => genTime });
    const official = await person('Lax TSA Client');
    await expect(sign(official, client(lax))).rejects.toMatchObject({ code: 'TSP_RESPONSE_REFUSED' });
    const signed = await signWithToken(official, (sig) => tokenFrom(lax, sig));
    sub.revoke(official.cert, { revocationDate: at(-10), reason: 'cessationOfOperation' });
    const s = (await verify(signed)).signatures[0];
    expect(s.timestamps[0]).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'CHAIN_CONSTRAINTS_FAILURE' });
    expect((s.timestamps[0].reasons[0] as { detail?: string }).detail).toContain(
      'TSA_CERTIFICATE_NOT_FOR_TIMESTAMPING',
    );
    expect(s).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'REVOKED_NO_POE' });
  });

  it('a TSA whose key was reported compromised after genTime gives no POE; another revocation reason after it does not matter', async () => {
    for (const [cn, reasonCode, expected] of [
      ['Compromised TSA', 'keyCompromise', 'REVOKED_NO_POE'],
      ['Retired TSA', 'cessationOfOperation', 'TOTAL-PASSED'],
    ] as const) {
      const authority = await DevTsa.create(root, { commonName: cn, clock: () => genTime });
      const official = await person(`Client of ${cn}`);
      const signed = await sign(official, client(authority));
      root.revoke(authority.certificate, { revocationDate: at(-10), reason: reasonCode });
      const stamp = (await verify(signed)).signatures[0].timestamps[0];
      expect(stamp.subIndication ?? stamp.indication).toBe(expected);
    }
  });

  it('a claimed signing time after the signature timestamp is a TIMESTAMP_ORDER_FAILURE', async () => {
    const official = await person('Time Traveller');
    const early = await DevTsa.create(root, { commonName: 'Early TSA', clock: () => at(-45) });
    const signed = await sign(official, client(early));
    expect((await verify(signed)).signatures[0]).toMatchObject({
      indication: 'INDETERMINATE',
      subIndication: 'TIMESTAMP_ORDER_FAILURE',
    });
  });

  it('revocation data signed in the CMS (adbe-revocationInfoArchival) is evidence: valid offline', async () => {
    const official = await person('Archived Evidence');
    const offlineOpts = { trustAnchors: [root.certificate], validationTime: now, requireRevocation: true };
    const bare = await sign(official);
    expect((await verifyPdf(bare, offlineOpts)).signatures[0].subIndication).toBe('TRY_LATER');
    const signed = await signPdf(pdf, {
      signer: official.key.signer,
      certificate: official.cert,
      chain: [sub.certificate],
      signingTime: claimed,
      revocationInfoArchival: {
        crls: [await root.issueCrl({ thisUpdate: at(-5) })],
        ocsps: [await sub.ocspResponse({ certificate: official.cert, thisUpdate: at(-1) })],
      },
    });
    expect((await verifyPdf(signed, offlineOpts)).signatures[0]).toMatchObject({
      indication: 'TOTAL-PASSED',
      revocation: { checked: true, source: 'ocsp' },
    });
  });

  it('a document timestamp alone (B-B + DSS + DocTimeStamp) is the POE: a later revocation does not count', async () => {
    const official = await person('Archived Then Retired');
    const bb = await sign(official);
    const withDss = appendDss(bb, {
      certs: [],
      crls: [await root.issueCrl({ thisUpdate: at(-6) }), await sub.issueCrl({ thisUpdate: at(-6) })],
      ocsps: [],
    });
    const archiveTsa = await DevTsa.create(root, { commonName: 'Archive TSA', clock: () => at(-4) });
    const blta = await timestampPdf(withDss, { tsa: client(archiveTsa), time: at(-4) });
    sub.revoke(official.cert, { revocationDate: at(-3), reason: 'affiliationChanged' });
    expect((await verify(bb)).signatures[0].subIndication).toBe('REVOKED_NO_POE');
    const report = await verify(blta);
    expect(report.signatures[0]).toMatchObject({
      indication: 'TOTAL-PASSED',
      signingTime: { timestamped: at(-4).toISOString(), judgedAt: at(-4).toISOString() },
      timestamps: [{ type: 'document', indication: 'TOTAL-PASSED' }],
    });
    expect(report.conclusion).toBe('TOTAL-PASSED');
  });

  it('a document timestamp made by an OpenSSL TSA (openssl ts -reply) is validated and is a POE', async () => {
    const key = join(dir, 'openssl-tsa.key');
    execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key]);
    const spki = execFileSync('openssl', ['pkey', '-in', key, '-pubout', '-outform', 'DER']);
    const cert = await root.issue({
      subject: { CN: 'OpenSSL TSA', C: 'VN' },
      publicKeySpki: new Uint8Array(spki),
      profile: 'device',
      keyUsage: ['digitalSignature', 'nonRepudiation'],
      extraExtensions: [new x509.ExtendedKeyUsageExtension([TSP_OID.timeStamping], true)],
    });
    const config = file(
      'openssl-tsa.cnf',
      [
        '[ tsa ]',
        'default_tsa = kyso',
        '[ kyso ]',
        `serial = ${file('openssl-tsa.serial', '01\n')}`,
        `signer_cert = ${file('openssl-tsa.pem', cert.toPem())}`,
        `signer_key = ${key}`,
        'signer_digest = sha256',
        'default_policy = 1.2.3.4.1',
        'digests = sha256',
        'accuracy = secs:1',
        'ess_cert_id_alg = sha256',
        '',
      ].join('\n'),
    );
    const openssl: TimestampClient = async (request) => {
      const out = join(dir, 'openssl.tsr');
      execFileSync(
        'openssl',
        ['ts', '-reply', '-config', config, '-queryfile', file('openssl.tsq', request), '-out', out],
        {
          stdio: 'pipe',
        },
      );
      return new Uint8Array(readFileSync(out));
    };
    const official = await person('Stamped By OpenSSL');
    const stamped = await timestampPdf(await sign(official), { tsa: openssl, time: now });
    const report = await verify(stamped, { validationTime: new Date(Date.now() + 1000) }); // OpenSSL's clock is real
    expect(report.signatures[1]).toMatchObject({
      subFilter: 'ETSI.RFC3161',
      indication: 'TOTAL-PASSED',
      signer: { name: 'OpenSSL TSA' },
    });
    expect(report.signatures[0].timestamps).toMatchObject([{ type: 'document', indication: 'TOTAL-PASSED' }]);
    expect(report.signatures[0].signingTime.timestamped).not.toBeNull();
  });

  describe('B-LT and B-LTA', () => {
    let official: TestSigner;
    let bt: Uint8Array;
    let blt: Uint8Array;
    let blta: Uint8Array;

    beforeAll(async () => {
      official = await person('Long Term Official');
      bt = await sign(official, client(tsa));
      const leafOcsp = await sub.ocspResponse({ certificate: official.cert, thisUpdate: at(-1) });
      const cmsOf = (p: Uint8Array) => findSignatures(p)[0].contents;
      blt = appendDss(bt, {
        certs: [sub.certificate.der],
        crls: [await root.issueCrl({ thisUpdate: at(-5) }), await sub.issueCrl({ thisUpdate: at(-5) })],
        ocsps: [leafOcsp],
        vriFor: [cmsOf(bt)],
      });
      const docTsa = await DevTsa.create(root, { commonName: 'LTV Archive TSA', clock: () => at(-1) });
      blta = await timestampPdf(blt, { tsa: client(docTsa), time: at(-1) });
    });

    const offline = (signed: Uint8Array) =>
      verifyPdf(signed, { trustAnchors: [root.certificate], validationTime: now, requireRevocation: true });

    it('B-LT validates from the embedded DSS alone (no checker, no network); B-T alone cannot', async () => {
      expect((await offline(bt)).signatures[0]).toMatchObject({
        indication: 'INDETERMINATE',
        subIndication: 'TRY_LATER',
      });
      const report = await offline(blt);
      expect(report.conclusion).toBe('TOTAL-PASSED');
      expect(report.signatures[0]).toMatchObject({
        indication: 'TOTAL-PASSED',
        revocation: { checked: true },
        modifications: { changedAfterSigning: true, allowed: true },
        timestamps: [{ type: 'signature', indication: 'TOTAL-PASSED' }],
      });
    });

    it('B-LTA: the document timestamp verifies over its byte range and is a POE of the signature', async () => {
      const report = await offline(blta);
      expect(report.signatureCount).toBe(2);
      expect(report.conclusion).toBe('TOTAL-PASSED');
      const [signature, docTs] = report.signatures;
      expect(docTs).toMatchObject({
        subFilter: 'ETSI.RFC3161',
        indication: 'TOTAL-PASSED',
        signer: { name: 'LTV Archive TSA' },
        signingTime: { claimed: null, timestamped: at(-1).toISOString() },
      });
      expect(signature.timestamps.map((t) => [t.type, t.indication])).toEqual([
        ['signature', 'TOTAL-PASSED'],
        ['document', 'TOTAL-PASSED'],
      ]);
      expect(signature).toMatchObject({
        indication: 'TOTAL-PASSED',
        signingTime: { timestamped: genTime.toISOString() },
      });
    });

    it('a document timestamp whose covered bytes changed fails with HASH_FAILURE', async () => {
      const tampered = new Uint8Array(blta);
      const comment = Buffer.from(blta).indexOf('%', 1); // the binary comment after the header: changes no object
      tampered[comment + 1] ^= 0x01;
      const report = await offline(tampered);
      expect(report.signatures.map((s) => [s.subFilter, s.indication, s.subIndication])).toEqual([
        ['ETSI.CAdES.detached', 'TOTAL-FAILED', 'HASH_FAILURE'],
        ['ETSI.RFC3161', 'TOTAL-FAILED', 'HASH_FAILURE'],
      ]);
    });

    it('a damaged document timestamp token is reported as a failure, never thrown, and proves nothing', async () => {
      const docTs = findSignatures(blta)[1];
      for (const at of [2, 400]) {
        const damaged = new Uint8Array(blta);
        const p = docTs.byteRange[1] + 1 + at; // a hex digit of /Contents: outside the signed ranges
        damaged[p] = damaged[p] === 0x30 ? 0x31 : 0x30;
        const report = await offline(damaged);
        expect(report.signatures[1].indication).not.toBe('TOTAL-PASSED');
        const [own, covering] = report.signatures[0].timestamps;
        expect([own.indication, covering.type, covering.indication === 'TOTAL-PASSED']).toEqual([
          'TOTAL-PASSED',
          'document',
          false,
        ]);
        expect(report.signatures[0]).toMatchObject({
          indication: 'TOTAL-PASSED',
          signingTime: { timestamped: genTime.toISOString() },
        });
      }
    });

    it('openssl ts -verify accepts the signature timestamp and the document timestamp', () => {
      const ca = file('root.pem', root.certificate.toPem());
      const sigCms = parseSignedData(findSignatures(blta)[0].contents).signerInfos[0];
      const sigToken = sigCms.unsignedAttributes.find((a) => a.type === CMS_OID.timeStampToken)!.values[0];
      const docTs = findSignatures(blta)[1];
      const cases: [Uint8Array, Uint8Array][] = [
        [sigToken, sigCms.signature],
        [docTs.contents, Buffer.concat(signedByteRanges(blta, docTs.byteRange))],
      ];
      for (const [i, [token, data]] of cases.entries()) {
        const out = execFileSync(
          'openssl',
          [
            'ts',
            '-verify',
            '-token_in',
            '-in',
            file(`t${i}.der`, token),
            '-data',
            file(`d${i}.bin`, data),
            '-CAfile',
            ca,
          ],
          { encoding: 'utf8', stdio: 'pipe' },
        );
        expect(out).toContain('Verification: OK');
      }
      // and refuses the signature timestamp over other data
      expect(() =>
        execFileSync(
          'openssl',
          ['ts', '-verify', '-token_in', '-in', join(dir, 't0.der'), '-data', file('x.bin', 'other'), '-CAfile', ca],
          { stdio: 'pipe' },
        ),
      ).toThrow();
    });

    it('pdfsig still accepts the signature of the B-LTA file', () => {
      const out = execFileSync('pdfsig', ['-nocert', file('blta.pdf', blta)], { encoding: 'utf8' });
      expect(out).toMatch(/Signature Validation: Signature is Valid/);
    });
  });
});
