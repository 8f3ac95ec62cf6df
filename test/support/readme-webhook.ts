import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type VerifyKysoSignature = (
  header: string | undefined,
  rawBody: string,
  secret: string,
  toleranceSec?: number,
  nowSec?: number,
) => boolean;

/**
 * The README's webhook verification snippet, run as written: tests check deliveries with exactly the
 * code integrators copy, so a snippet that stopped working fails them.
 */
export function readmeWebhookVerifier(): VerifyKysoSignature {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Webhooks\n'));
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code || !code.includes('function verifyKysoSignature')) throw new Error('README: no webhook snippet');
  return new Function('require', `${code}\nreturn verifyKysoSignature;`)(require) as VerifyKysoSignature;
}
