import { generateKeyPairSync, sign } from 'node:crypto';
import { PUBLIC_KEY_CACHE, publicKeyOf, SIGNATURE_VERDICT_CACHE, verdictKey } from './key-cache';
import { signatureScheme, verifySignatureRemembered } from './algorithms';
import { verifyWithSpki } from './signature-check';

const ECDSA_SHA256 = { oid: '1.2.840.10045.4.3.2' };

function keyPair() {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { spki: new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })), privateKey };
}

describe('key and signature verdict caches', () => {
  afterEach(() => {
    SIGNATURE_VERDICT_CACHE.clear();
    PUBLIC_KEY_CACHE.clear();
  });

  it('parses an SPKI once and gives a different key for different bytes', () => {
    const a = keyPair();
    const b = keyPair();
    const k1 = publicKeyOf(a.spki);
    expect(publicKeyOf(new Uint8Array(a.spki))).toBe(k1); // same bytes, another array: same KeyObject
    const k2 = publicKeyOf(b.spki);
    expect(k2).not.toBe(k1);
    expect(Buffer.from(k2.export({ type: 'spki', format: 'der' })).equals(Buffer.from(b.spki))).toBe(true);
  });

  it('never answers from the cache for different data, signature or key', () => {
    const a = keyPair();
    const b = keyPair();
    const data = Buffer.from('công văn số 1');
    const sig = new Uint8Array(sign('sha256', data, a.privateKey));
    expect(verifyWithSpki(a.spki, ECDSA_SHA256, data, sig)).toBe('valid');
    expect(verifyWithSpki(a.spki, ECDSA_SHA256, data, sig)).toBe('valid'); // from the cache
    expect(SIGNATURE_VERDICT_CACHE.hits).toBe(1);
    const tampered = Buffer.from(data);
    tampered[0] ^= 1;
    expect(verifyWithSpki(a.spki, ECDSA_SHA256, tampered, sig)).toBe('invalid');
    expect(verifyWithSpki(b.spki, ECDSA_SHA256, data, sig)).toBe('invalid');
    const badSig = new Uint8Array(sig);
    badSig[badSig.length - 1] ^= 1;
    expect(verifyWithSpki(a.spki, ECDSA_SHA256, data, badSig)).not.toBe('valid');
    expect(verifyWithSpki(a.spki, { oid: '1.2.840.10045.4.3.3' }, data, sig)).toBe('invalid'); // another digest
  });

  it('remembers a scheme-level verdict (CMS signed attributes) only for the same key, scheme, data and signature', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
    const rsaEncryption = { oid: '1.2.840.113549.1.1.1' }; // the digest comes from the CMS digestAlgorithm
    const sha256 = signatureScheme(rsaEncryption, '2.16.840.1.101.3.4.2.1')!;
    const sha384 = signatureScheme(rsaEncryption, '2.16.840.1.101.3.4.2.2')!;
    const data = Buffer.from('thuộc tính đã ký');
    const sig = new Uint8Array(sign('sha256', data, privateKey));
    expect(verifySignatureRemembered(spki, sha256, data, sig)).toBe(true);
    expect(verifySignatureRemembered(spki, sha256, new Uint8Array(data), sig.slice())).toBe(true);
    expect(SIGNATURE_VERDICT_CACHE.hits).toBe(1);
    expect(verifySignatureRemembered(spki, sha384, data, sig)).toBe(false); // another scheme: not the same verdict
    const tampered = Buffer.from(data);
    tampered[0] ^= 1;
    expect(verifySignatureRemembered(spki, sha256, tampered, sig)).toBe(false);
    const badSig = sig.slice();
    badSig[10] ^= 1;
    expect(verifySignatureRemembered(spki, sha256, data, badSig)).toBe(false);
    expect(verifySignatureRemembered(keyPair().spki, sha256, data, sig)).toBe(false);
    expect(verifySignatureRemembered(spki, sha256, data, sig)).toBe(true);
    expect(SIGNATURE_VERDICT_CACHE.hits).toBe(2);
    // A refusal is remembered as one.
    expect(verifySignatureRemembered(spki, sha256, tampered, sig)).toBe(false);
    expect(SIGNATURE_VERDICT_CACHE.hits).toBe(3);
  });

  it('keys every input apart, including how data is split into chunks', () => {
    const spki = Uint8Array.of(1, 2);
    const base = verdictKey(spki, '1.2', undefined, Uint8Array.of(3, 4), Uint8Array.of(5));
    expect(verdictKey(spki, '1.2', undefined, Uint8Array.of(3, 4), Uint8Array.of(5))).toBe(base);
    // moving a byte from one field to the next must change the key
    expect(verdictKey(Uint8Array.of(1), '1.2', undefined, Uint8Array.of(2, 3, 4), Uint8Array.of(5))).not.toBe(base);
    expect(verdictKey(spki, '1.2', undefined, Uint8Array.of(3), Uint8Array.of(4, 5))).not.toBe(base);
    expect(verdictKey(spki, '1.2', Uint8Array.of(5, 0), Uint8Array.of(3, 4), Uint8Array.of(5))).not.toBe(base);
    expect(verdictKey(spki, '1.2', undefined, [Uint8Array.of(3), Uint8Array.of(4)], Uint8Array.of(5))).not.toBe(base);
  });

  it('stays within its bound and can be switched off', () => {
    const a = keyPair();
    const max = SIGNATURE_VERDICT_CACHE.maxEntries;
    try {
      SIGNATURE_VERDICT_CACHE.resize(3);
      for (let i = 0; i < 10; i++)
        verifyWithSpki(a.spki, ECDSA_SHA256, Buffer.from(`doc ${i}`), Uint8Array.of(0x30, 0));
      expect(SIGNATURE_VERDICT_CACHE.size).toBe(3);
      SIGNATURE_VERDICT_CACHE.resize(0);
      expect(SIGNATURE_VERDICT_CACHE.size).toBe(0);
      verifyWithSpki(a.spki, ECDSA_SHA256, Buffer.from('x'), Uint8Array.of(0x30, 0));
      expect(SIGNATURE_VERDICT_CACHE.size).toBe(0);
    } finally {
      SIGNATURE_VERDICT_CACHE.resize(max);
    }
  });
});
