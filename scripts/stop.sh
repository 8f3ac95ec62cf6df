#!/usr/bin/env bash
# Stops the services `npm run quickstart` started (pid files under var/dev/run, or $KYSO_DEV_DIR/run).
set -uo pipefail
cd "$(dirname "$0")/.."
RUN=${KYSO_DEV_DIR:-var/dev}/run
quiet=${1:-}
shopt -s nullglob
pids=()
for f in "$RUN"/*.pid; do
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then kill "$pid" && pids+=("$pid"); [ "$quiet" ] || echo "kyso: stopping $(basename "$f" .pid)"; fi
  rm -f "$f"
done
for pid in "${pids[@]}"; do
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
done
# A service stopped with SIGKILL leaves its socket file (one stopped cleanly removes its own).
rm -f "$RUN"/*.sock
[ "$quiet" ] || echo "kyso: stopped"
exit 0
