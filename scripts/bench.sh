#!/usr/bin/env bash
# npm run bench: compiles bench/ (with the libs it imports) into var/bench-dist and runs it.
# Not part of the tests; prints one table and writes bench/results/ and the README's copy of it.
# KYSO_BENCH_SECONDS sets the time per chain case (default 2), KYSO_BENCH_LOAD_SECONDS per load case (5),
# KYSO_BENCH_WARMUP_SECONDS the same load before each measured load case (10).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ]; then bash scripts/lib/ensure-node-modules.sh; fi
rm -rf var/bench-dist
npx tsc -p bench/tsconfig.json
npx tsc-alias -p bench/tsconfig.json
# The token is driven 8 sessions at a time in the bench process: libuv needs a thread per session.
UV_THREADPOOL_SIZE=12 node var/bench-dist/bench/main.js "$@"
