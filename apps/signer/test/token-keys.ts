import { KeyInfo, Pkcs11KeyStore } from '@kyso/keystore';
import type { SignatureAlgorithm } from '@kyso/pki';
import type { TestToken } from '../../../test/support/token';

export interface TestKeySpec {
  label: string;
  id: number;
  algorithm: SignatureAlgorithm;
}

/** Keys generated inside the test token, in order; the app under test opens its own store afterwards. */
export async function generateTokenKeys(token: TestToken, specs: TestKeySpec[]): Promise<KeyInfo[]> {
  const setup = await Pkcs11KeyStore.open({
    modulePath: token.modulePath,
    tokenLabel: token.label,
    pin: token.pin,
    poolSize: 1,
  });
  try {
    const keys: KeyInfo[] = [];
    for (const { label, id, algorithm } of specs)
      keys.push(await setup.generateKey({ label, id: Buffer.from([id]), algorithm }));
    return keys;
  } finally {
    await setup.close();
  }
}
