#!/usr/bin/env bash
# The whole test suite. Sets up what it needs on its own: Debian packages, PostgreSQL/Redis, node_modules.
# Each test file creates its own database, SoftHSM2 token and PKI, so no quickstart is needed first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/lib/ensure-system.sh
bash scripts/lib/ensure-node-modules.sh
echo "kyso: type-checking"
npx tsc -p tsconfig.json --noEmit
echo "kyso: lint (eslint boundaries, prettier)"
npx eslint .
npx prettier --check . >/dev/null || { npx prettier --list-different .; echo "kyso: run npm run format" >&2; exit 1; }
mkdir -p var
status=0
npx jest --maxWorkers=2 --json --outputFile=var/test-results.json "$@" || status=$?
node -e '
  const r = require("./var/test-results.json");
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
' || true
exit $status
