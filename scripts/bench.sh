#!/usr/bin/env bash
# npm run bench: compiles bench/ (with the libs it imports) into var/bench-dist and runs it.
# Not part of the tests; prints a table. KYSO_BENCH_SECONDS sets the time per case (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ]; then bash scripts/lib/ensure-node-modules.sh; fi
rm -rf var/bench-dist
npx tsc -p bench/tsconfig.json
npx tsc-alias -p bench/tsconfig.json
node var/bench-dist/bench/main.js "$@"
