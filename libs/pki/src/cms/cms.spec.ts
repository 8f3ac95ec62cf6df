import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pkijsSignedData } from '../../test-fixtures/cms';
import { issuePerson } from '../../test-fixtures/signers';
import { DevCa, generateSoftwareKey, softwareSigner } from '../devca';
import { RawSigner, SignatureAlgorithm } from '../signer';
import { cryptoRefusals, STRICT_ALGORITHM_POLICY } from '../validation/algorithm-policy';
import { buildSignedData } from './build';
import { parseSignedData } from './parse';
import { verifySignedData } from './verify';
import { SIGNATURE_VERDICT_CACHE } from '../x509/key-cache';

describe('CMS SignedData', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kyso-cms-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, data: string | Uint8Array) => {
    writeFileSync(join(dir, name), data);
    return join(dir, name);
  };
  const content = [Buffer.from('%PDF-1.7 first range '), Buffer.from('second range of the document')];
  const digest = createHash('sha256').update(Buffer.concat(content)).digest();
  let root: DevCa;
  let sub: DevCa;

  beforeAll(async () => {
    root = await DevCa.createRoot({ commonName: 'CMS Test Root', keyAlgorithm: 'RSA-2048' });
    sub = await root.createSubordinate({ commonName: 'CMS Test Sub' });
  });

  /** The path of a detached CMS over `content` made by openssl cms -sign, with a fresh self-signed key (files `<name>.*`). */
  function opensslSigned(name: string, keyArgs: string[], signArgs: string[], cn: string): string {
    const k = join(dir, `${name}.key`);
    const c = join(dir, `${name}.pem`);
    execFileSync(
      'openssl',
      ['req', '-x509', ...keyArgs, '-nodes', '-keyout', k, '-out', c, '-subj', `/CN=${cn}`, '-days', '2'],
      { stdio: 'ignore' },
    );
    const data = write(`${name}.bin`, Buffer.concat(content));
    const sig = join(dir, `${name}.p7s`);
    execFileSync(
      'openssl',
      ['cms', '-sign', '-binary', '-outform', 'DER', '-in', data, '-signer', c, '-inkey', k, '-out', sig, ...signArgs],
      { stdio: 'ignore' },
    );
    return sig;
  }

  async function signed(algorithm: SignatureAlgorithm, extra: { includeSigningTimeAttribute?: boolean } = {}) {
    const { key, cert } = await issuePerson(sub, { CN: 'Trần Thị B', O: 'UBND Huyện' }, { algorithm });
    const cms = await buildSignedData({
      contentDigest: digest,
      signerCertificate: cert,
      certificates: [sub.certificate],
      signer: key.signer,
      signingTime: new Date('2025-03-04T05:06:07Z'),
      ...extra,
    });
    return { key, cert, cms };
  }

  it.each(['RSASSA-PKCS1-v1_5-SHA256', 'ECDSA-P256-SHA256'] as const)(
    'builds a detached %s SignedData that openssl cms -verify accepts',
    async (alg) => {
      const { cms, cert } = await signed(alg);
      const out = execFileSync(
        'openssl',
        [
          'cms',
          '-verify',
          '-binary',
          '-inform',
          'DER',
          '-in',
          write(`${alg}.p7s`, cms),
          '-content',
          write(`${alg}.bin`, Buffer.concat(content)),
          '-CAfile',
          write('root.pem', root.certificate.toPem()),
          '-purpose',
          'any',
          '-out',
          '/dev/null',
        ],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      );
      expect(out).toBe('');
      const r = verifySignedData(cms, content);
      expect(r).toMatchObject({
        formatOk: true,
        digestAlgorithm: 'SHA-256',
        messageDigestMatches: true,
        signatureValid: true,
        signingCertificateV2Matches: true,
        problems: [],
      });
      expect(r.signatureAlgorithm).toBe(alg === 'ECDSA-P256-SHA256' ? 'ECDSA-SHA256' : 'RSASSA-PKCS1-v1_5-SHA256');
      expect(r.signerCertificate?.sha256Hex).toBe(cert.sha256Hex);
      expect(r.certificates).toHaveLength(2);
      expect(r.claimedSigningTime).toBeUndefined();
    },
  );

  it('shows the signed attributes openssl expects, and signing-time only when asked', async () => {
    const { cms } = await signed('ECDSA-P256-SHA256', { includeSigningTimeAttribute: true });
    const text = execFileSync(
      'openssl',
      ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', write('attrs.p7s', cms)],
      { encoding: 'utf8' },
    );
    for (const name of ['contentType', 'messageDigest', 'signingTime', 'id-smime-aa-signingCertificateV2'])
      expect(text).toContain(name);
    expect(verifySignedData(cms, content).claimedSigningTime?.toISOString()).toBe('2025-03-04T05:06:07.000Z');
    const parsed = parseSignedData(cms);
    expect(parsed.signerInfos[0].signedAttributes.map((a) => a.type)).toHaveLength(4);
  });

  it('parses the same CMS bytes in another buffer once, and other bytes again', async () => {
    const { cms } = await signed('ECDSA-P256-SHA256');
    const first = parseSignedData(new Uint8Array(cms));
    expect(parseSignedData(new Uint8Array(cms))).toBe(first);
    const other = new Uint8Array(cms);
    other[other.length - 1] ^= 1;
    expect(parseSignedData(other)).not.toBe(first);
  });

  it('remembers the signature over the signed attributes of the same CMS, and only of the same', async () => {
    const { cms } = await signed('RSASSA-PKCS1-v1_5-SHA256');
    SIGNATURE_VERDICT_CACHE.clear();
    const first = verifySignedData(cms, content);
    expect(first).toMatchObject({ signatureValid: true, problems: [] });
    expect(verifySignedData(cms.slice(), content)).toEqual(first);
    expect(SIGNATURE_VERDICT_CACHE.hits).toBe(1);
    const badSig = new Uint8Array(cms);
    badSig[badSig.length - 10] ^= 1;
    expect(verifySignedData(badSig, content)).toMatchObject({ signatureValid: false, problems: ['SIGNATURE_INVALID'] });
    expect(SIGNATURE_VERDICT_CACHE.hits).toBe(1);
  });

  it('detects a changed content byte and a changed signature byte', async () => {
    const { cms } = await signed('RSASSA-PKCS1-v1_5-SHA256');
    const changed = [content[0], Buffer.from(content[1])];
    changed[1][3] ^= 1;
    expect(verifySignedData(cms, changed)).toMatchObject({
      formatOk: true,
      messageDigestMatches: false,
      signatureValid: true,
      problems: ['MESSAGE_DIGEST_MISMATCH'],
    });
    const badSig = new Uint8Array(cms);
    badSig[badSig.length - 10] ^= 1; // the signature value is the last element
    expect(verifySignedData(badSig, content)).toMatchObject({
      formatOk: true,
      messageDigestMatches: true,
      signatureValid: false,
      problems: ['SIGNATURE_INVALID'],
    });
  });

  it.each([
    ['RSA PKCS#1 v1.5', ['-newkey', 'rsa:2048'], [], 'RSASSA-PKCS1-v1_5-SHA256', { type: 'rsa', bits: 2048 }],
    ['RSA-PSS', ['-newkey', 'rsa:2048'], ['-keyopt', 'rsa_padding_mode:pss'], 'RSASSA-PSS-SHA256', { type: 'rsa' }],
    [
      'RSA-PSS with MGF1-SHA-1 and a 32-byte salt (RFC 4055 parameters other than the hash)',
      ['-newkey', 'rsa:2048'],
      ['-keyopt', 'rsa_padding_mode:pss', '-keyopt', 'rsa_mgf1_md:sha1', '-keyopt', 'rsa_pss_saltlen:32'],
      'RSASSA-PSS-SHA256',
      { type: 'rsa' },
    ],
    [
      'RSA-PSS SHA-512 with MGF1-SHA-512',
      ['-newkey', 'rsa:3072'],
      ['-md', 'sha512', '-keyopt', 'rsa_padding_mode:pss', '-keyopt', 'rsa_pss_saltlen:max'],
      'RSASSA-PSS-SHA512',
      { type: 'rsa', bits: 3072 },
    ],
    ['ECDSA P-256', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], [], 'ECDSA-SHA256', { bits: 256 }],
    [
      'an id-RSASSA-PSS key (RFC 4055 SPKI) with MGF1-SHA-1',
      ['-newkey', 'rsa-pss', '-pkeyopt', 'rsa_keygen_bits:2048'],
      ['-keyopt', 'rsa_padding_mode:pss', '-keyopt', 'rsa_mgf1_md:sha1'],
      'RSASSA-PSS-SHA256',
      { type: 'rsa-pss', bits: 2048 },
    ],
    [
      'ECDSA brainpoolP256r1 (RFC 5639, EU qualified signatures)',
      ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:brainpoolP256r1'],
      [],
      'ECDSA-SHA256',
      { type: 'ec', bits: 256 },
    ],
    [
      'RSA PKCS#1 v1.5 with SHA3-256 (RFC 8702)',
      ['-newkey', 'rsa:2048'],
      ['-md', 'sha3-256'],
      'RSASSA-PKCS1-v1_5-SHA3-256',
      { type: 'rsa', bits: 2048 },
    ],
    [
      'ECDSA P-384',
      ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'],
      ['-md', 'sha384'],
      'ECDSA-SHA384',
      { bits: 384 },
    ],
    [
      'ECDSA P-521',
      ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-521'],
      ['-md', 'sha512'],
      'ECDSA-SHA512',
      { bits: 521 },
    ],
  ])('verifies %s signatures made by openssl cms -sign', (label, keyArgs, extra, name, key) => {
    const sig = opensslSigned('o', keyArgs, extra, 'openssl');
    const r = verifySignedData(readFileSync(sig), content);
    expect(r).toMatchObject({
      formatOk: true,
      messageDigestMatches: true,
      signatureValid: true,
      signatureAlgorithm: name,
    });
    expect(r.crypto?.key).toMatchObject(key);
    expect(cryptoRefusals(STRICT_ALGORITHM_POLICY, r.crypto!, new Date())).toEqual([]);
    expect(r.claimedSigningTime).toBeInstanceOf(Date);
    const tampered = Buffer.from(readFileSync(sig));
    tampered[tampered.length - 5] ^= 1; // inside the signature value, the last element
    expect(verifySignedData(tampered, content).signatureValid).toBe(false);
  });

  it('checks RSASSA-PSS with the MGF1 hash its parameters name, not the message hash', () => {
    const sig = opensslSigned('pss', ['-newkey', 'rsa:2048'], ['-keyopt', 'rsa_padding_mode:pss'], 'pss');
    const der = Buffer.from(readFileSync(sig));
    expect(verifySignedData(der, content).signatureValid).toBe(true);
    // [1] MaskGenAlgorithm { id-mgf1, sha256 }: claim MGF1-SHA-384 (an OID of the same length) instead.
    const mgf1Sha256 = Buffer.from('06092a864886f70d010108300d0609608648016503040201', 'hex');
    const forged = Buffer.from(der); // another object: parses are kept per bytes object
    const at = forged.indexOf(mgf1Sha256);
    expect(at).toBeGreaterThan(0);
    forged[at + mgf1Sha256.length - 1] = 0x02;
    expect(verifySignedData(forged, content)).toMatchObject({
      signatureValid: false,
      signatureAlgorithm: 'RSASSA-PSS-SHA256',
    });
  });

  it.each([
    ['ECDSA P-256 plain (r||s)', 'prime256v1', 'sha256', '0.4.0.127.0.7.1.1.4.1.3', 'ECDSA-PLAIN-SHA256'],
    ['ECDSA P-384 plain (r||s)', 'secp384r1', 'sha384', '0.4.0.127.0.7.1.1.4.1.4', 'ECDSA-PLAIN-SHA384'],
    ['Ed25519', 'ed25519', 'sha512', '1.3.101.112', 'Ed25519'],
  ])('verifies %s signatures built with pkijs and node crypto', async (label, curve, digest, oid, name) => {
    const { privateKey, publicKey } =
      curve === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: curve });
    const cert = await sub.issue({
      subject: { CN: label },
      publicKeySpki: new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })),
      profile: 'person',
    });
    const signer = { cert, key: privateKey, digest, signatureAlgorithmOid: oid, dsaEncoding: 'ieee-p1363' as const };
    const cms = pkijsSignedData({ content, signers: [signer] });
    expect(verifySignedData(cms, content)).toMatchObject({
      formatOk: true,
      messageDigestMatches: true,
      signatureValid: true,
      signatureAlgorithm: name,
      problems: [],
    });
    if (curve !== 'ed25519') {
      // the same r||s bytes under the DER ecdsa-with-SHA* OID do not verify: the encoding is part of the algorithm
      const mislabelled = pkijsSignedData({
        content,
        signers: [
          { ...signer, signatureAlgorithmOid: digest === 'sha256' ? '1.2.840.10045.4.3.2' : '1.2.840.10045.4.3.3' },
        ],
      });
      expect(verifySignedData(mislabelled, content).signatureValid).toBe(false);
    }
  });

  it('refuses Ed25519 with a digest other than SHA-512 (RFC 8419 3.1), though its signature verifies', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const cert = await sub.issue({
      subject: { CN: 'Ed25519 with SHA-256' },
      publicKeySpki: new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })),
      profile: 'person',
    });
    const signer = { cert, key: privateKey, digest: 'sha256', signatureAlgorithmOid: '1.3.101.112' };
    const r = verifySignedData(pkijsSignedData({ content, signers: [signer] }), content);
    expect(r).toMatchObject({ messageDigestMatches: true, signatureAlgorithm: null });
    expect(r.problems).toContain('SIGNATURE_ALGORITHM_UNSUPPORTED');
  });

  it('verifies ECDSA with SHA3-256 (ecdsa-with-SHA3-256, RFC 8702 / NIST OID)', async () => {
    const { key, cert } = await issuePerson(sub, { CN: 'SHA-3 signer' });
    const signer = { cert, key: key.privateKey, digest: 'sha3-256', signatureAlgorithmOid: '2.16.840.1.101.3.4.3.10' };
    expect(verifySignedData(pkijsSignedData({ content, signers: [signer] }), content)).toMatchObject({
      formatOk: true,
      digestAlgorithm: 'SHA3-256',
      messageDigestMatches: true,
      signatureValid: true,
      signatureAlgorithm: 'ECDSA-SHA3-256',
      problems: [],
    });
  });

  it('reads BER: encapsulated content as a constructed OCTET STRING of segments, indefinite length', async () => {
    const { key, cert } = await issuePerson(sub, { CN: 'BER' });
    const signer = { cert, key: key.privateKey, digest: 'sha256', signatureAlgorithmOid: '1.2.840.10045.4.3.2' };
    const cms = pkijsSignedData({ content, encapsulate: true, constructedEContent: true, signers: [signer] });
    const eContentAt = Buffer.from(cms).indexOf(Buffer.from([0x24, 0x80, 0x04]));
    expect(eContentAt).toBeGreaterThan(0); // the constructed, indefinite form is really there
    expect(parseSignedData(cms).encapContent).toEqual(new Uint8Array(Buffer.concat(content)));
    expect(verifySignedData(cms, [])).toMatchObject({
      formatOk: true,
      messageDigestMatches: true,
      signatureValid: true,
    });
    const other = [Buffer.from('other content')];
    expect(verifySignedData(cms, other).messageDigestMatches).toBe(true); // eContent is what is signed (RFC 5652 5.4)
  });

  it('reports malformed input as a format failure instead of throwing', async () => {
    expect(verifySignedData(new Uint8Array(), content)).toMatchObject({ formatOk: false, problems: ['CMS_EMPTY'] });
    expect(verifySignedData(Buffer.from('not a cms'), content).formatOk).toBe(false);
    const { cms } = await signed('ECDSA-P256-SHA256');
    expect(verifySignedData(cms.subarray(0, cms.length - 20), content).formatOk).toBe(false);
    const padded = new Uint8Array(cms.length + 100);
    padded.set(cms);
    expect(verifySignedData(padded, content).signatureValid).toBe(true); // PDF /Contents padding
  });

  it('flags an ESS signing certificate that names another certificate', async () => {
    // Two certificates of the same length, serial and key: swapping one for the other in the CMS
    // keeps the signature valid and the SignerInfo matching, only the ESS hash tells them apart.
    const key = generateSoftwareKey('ECDSA-P256-SHA256');
    const common = {
      publicKeySpki: key.publicKeySpki,
      profile: 'person' as const,
      serialNumber: '4a0b',
      notBefore: new Date('2025-01-01Z'),
      notAfter: new Date('2027-01-01Z'),
    };
    const certA = await root.issue({ subject: { CN: 'A' }, ...common });
    const certB = await root.issue({ subject: { CN: 'B' }, ...common });
    expect(certA.der.length).toBe(certB.der.length);
    const cms = Buffer.from(
      await buildSignedData({ contentDigest: digest, signerCertificate: certB, certificates: [], signer: key.signer }),
    );
    const at = cms.indexOf(Buffer.from(certB.der));
    Buffer.from(certA.der).copy(cms, at);
    const r = verifySignedData(cms, content);
    expect(r.signerCertificate?.subject.get('CN')).toBe('A');
    expect(r).toMatchObject({
      signatureValid: true,
      messageDigestMatches: true,
      signingCertificateV2Matches: false,
      problems: ['SIGNING_CERTIFICATE_MISMATCH'],
    });
  });

  it('hands the exact DER SET OF signed attributes to the signer', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const seen: Uint8Array[] = [];
    const inner = softwareSigner(privateKey, 'ECDSA-P256-SHA256');
    const spy: RawSigner = { algorithm: inner.algorithm, sign: (d) => (seen.push(d), inner.sign(d)) };
    const cert = await sub.issue({
      subject: { CN: 'Spy' },
      publicKeySpki: new Uint8Array(createPublicKey(privateKey).export({ type: 'spki', format: 'der' })),
      profile: 'person',
    });
    const cms = await buildSignedData({
      contentDigest: digest,
      signerCertificate: cert,
      certificates: [],
      signer: spy,
    });
    expect(seen[0][0]).toBe(0x31);
    expect(parseSignedData(cms).signerInfos[0].signedAttrsDer).toEqual(seen[0]);
  });
});
