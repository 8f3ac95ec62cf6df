import { webcrypto } from 'node:crypto';
import * as pkijs from 'pkijs';

/** pkijs needs a WebCrypto engine; Node's is used, set once on first import. */
let initialised = false;
export function ensureCryptoEngine(): void {
  if (initialised) return;
  const crypto = webcrypto as unknown as pkijs.ICryptoEngine['crypto'];
  pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto }));
  initialised = true;
}
ensureCryptoEngine();
