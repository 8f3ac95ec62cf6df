import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { DevCredentials } from './credentials';

/** The quickstart's last words: where things are and one command that signs a sample PDF. */
const devDir = process.env.KYSO_DEV_DIR ?? 'var/dev';
const file = relative(process.cwd(), join(devDir, 'credentials.json'));
const logs = relative(process.cwd(), join(devDir, 'logs'));
const c = JSON.parse(readFileSync(join(devDir, 'credentials.json'), 'utf8')) as DevCredentials;
const official = c.demo.officials[0];
console.log(`
Kyso is up.
  gateway   ${c.gatewayUrl}
  API docs  ${c.gatewayUrl}/docs
  demo ids, API key and PINs: ${file}; trust anchor: ${c.trustAnchors[0]}
  logs: ${logs}/   stop: npm run stop

Sign the sample PDF as ${official.name} (${official.title}), then validate the result:

  KEY=$(node -p "require('./${file}').apiKey")
  curl -sf -H "Authorization: Bearer $KEY" \\
    -F file=@docs/samples/cong-van.pdf -F certificateId=${official.certificateId} \\
    -F actingOfficialId=${official.id} -F pin=$(node -p "require('./${file}').demo.officials[0].pin") \\
    -F reason="Phê duyệt" -F location="Huế" \\
    -o signed.pdf ${c.gatewayUrl}/api/v1/signatures/pdf
  curl -s -H "Authorization: Bearer $KEY" -F file=@signed.pdf ${c.gatewayUrl}/api/v1/validations/pdf
  pdfsig signed.pdf

Webhooks: add callbackUrl=http://127.0.0.1:<port>/... (loopback is allowed here) to a validation; the
POST is signed with the demo key's webhookSecret from ${file} (README, "Webhooks").
`);
