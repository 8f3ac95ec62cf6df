import { generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { RawSigner, SignatureAlgorithm } from '../signer';

/** A key held in process memory: for tests and the quickstart's CAs, never for officials' keys. */
export interface SoftwareKey {
  algorithm: SignatureAlgorithm;
  publicKeySpki: Uint8Array;
  privateKey: KeyObject;
  signer: RawSigner;
}

/** A RawSigner over a private KeyObject. ECDSA output is DER (SEQUENCE r, s), as RawSigner requires. */
export function softwareSigner(privateKey: KeyObject, algorithm: SignatureAlgorithm): RawSigner {
  return {
    algorithm,
    sign: (data) =>
      new Promise((resolve, reject) =>
        // The callback form runs on the libuv pool, like a token would.
        sign('sha256', data, { key: privateKey, dsaEncoding: 'der' }, (err, sig) =>
          err ? reject(err) : resolve(new Uint8Array(sig)),
        ),
      ),
  };
}

/** Generates an RSA-2048 or P-256 key pair in memory with its RawSigner. */
export function generateSoftwareKey(algorithm: SignatureAlgorithm = 'ECDSA-P256-SHA256'): SoftwareKey {
  const { privateKey, publicKey } =
    algorithm === 'RSASSA-PKCS1-v1_5-SHA256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    algorithm,
    publicKeySpki: new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })),
    privateKey,
    signer: softwareSigner(privateKey, algorithm),
  };
}
