#!/usr/bin/env bash
# Brings the whole Kyso system up on this machine with a dev PKI, a SoftHSM2 token and demo data.
# Safe to rerun: secrets, token, PKI and demo data are kept; the services are restarted. A dev
# database that holds another (or a deleted) var/dev's data is made again (scripts/dev/database.ts).
# Overridable (a test runs a second instance beside yours): KYSO_DEV_DIR (var/dev), KYSO_DATABASE_URL
# (.../kyso), KYSO_GATEWAY_PORT, KYSO_SIGNER_PORT, KYSO_VERIFIER_PORT, KYSO_REGISTRY_PORT (3000-3003),
# KYSO_QUEUE_PREFIX, KYSO_USE_SOCKETS (default 1: the services also listen on Unix-domain sockets
# under run/ and reach each other there; 0: TCP only); `npm run stop` (scripts/stop.sh) stops it
# with the same KYSO_DEV_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DEV=$(realpath -m "${KYSO_DEV_DIR:-$ROOT/var/dev}")

bash scripts/lib/ensure-system.sh
bash scripts/lib/ensure-node-modules.sh
# Built again only when a source, config or the lock file changed since the last build.
STAMP=dist/.quickstart-build
if [ -f "$STAMP" ] && [ -z "$(find apps libs scripts -name '*.ts' -newer "$STAMP" -print -quit)" ] \
  && [ -z "$(find tsconfig.json tsconfig.build.json package-lock.json -newer "$STAMP" -print)" ]; then
  echo "kyso: build is up to date"
else
  echo "kyso: building"
  npm run --silent build
  touch "$STAMP"
fi

mkdir -p "$DEV"/{pki,logs,run,tokens}
chmod 700 "$DEV"

# Secrets are generated once and kept in var/dev (git-ignored, mode 600); never printed.
if [ ! -f "$DEV/secrets.env" ]; then
  umask 077
  {
    echo "KYSO_INTERNAL_TOKEN=$(openssl rand -hex 32)"
    echo "KYSO_TOKEN_PIN=$(openssl rand -hex 8)"
    echo "KYSO_TOKEN_SO_PIN=$(openssl rand -hex 8)"
    echo "KYSO_REGISTRY_DATA_KEY=$(openssl rand -base64 32)"
    echo "KYSO_WEBHOOK_SECRET_KEY=$(openssl rand -base64 32)"
  } > "$DEV/secrets.env"
  umask 022
fi
# Secrets added by later versions are appended to an existing file.
grep -q '^KYSO_REGISTRY_DATA_KEY=' "$DEV/secrets.env" || echo "KYSO_REGISTRY_DATA_KEY=$(openssl rand -base64 32)" >> "$DEV/secrets.env"
grep -q '^KYSO_WEBHOOK_SECRET_KEY=' "$DEV/secrets.env" || echo "KYSO_WEBHOOK_SECRET_KEY=$(openssl rand -base64 32)" >> "$DEV/secrets.env"
set -a; . "$DEV/secrets.env"; set +a

# The dev token: its own SoftHSM2 configuration under var/dev, chosen by label.
export SOFTHSM2_CONF=$DEV/softhsm2.conf
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n' "$DEV/tokens" > "$SOFTHSM2_CONF"
export KYSO_TOKEN_LABEL=kyso-dev
if ! softhsm2-util --show-slots 2>/dev/null | grep -q "Label:[[:space:]]*$KYSO_TOKEN_LABEL[[:space:]]*$"; then
  echo "kyso: creating the dev token '$KYSO_TOKEN_LABEL'"
  softhsm2-util --init-token --free --label "$KYSO_TOKEN_LABEL" --so-pin "$KYSO_TOKEN_SO_PIN" --pin "$KYSO_TOKEN_PIN" >/dev/null
fi

export KYSO_DATABASE_URL=${KYSO_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/kyso}
export KYSO_REDIS_URL=${KYSO_REDIS_URL:-redis://127.0.0.1:6379}
export KYSO_PKCS11_MODULE=${KYSO_PKCS11_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
export KYSO_DEV_DIR=$DEV
export UV_THREADPOOL_SIZE=${UV_THREADPOOL_SIZE:-8}
# Each service listens on its port and finds the others at theirs.
export KYSO_GATEWAY_PORT=${KYSO_GATEWAY_PORT:-3000} KYSO_SIGNER_PORT=${KYSO_SIGNER_PORT:-3001}
export KYSO_VERIFIER_PORT=${KYSO_VERIFIER_PORT:-3002} KYSO_REGISTRY_PORT=${KYSO_REGISTRY_PORT:-3003}
export KYSO_SIGNER_URL=http://127.0.0.1:$KYSO_SIGNER_PORT KYSO_VERIFIER_URL=http://127.0.0.1:$KYSO_VERIFIER_PORT
export KYSO_REGISTRY_URL=http://127.0.0.1:$KYSO_REGISTRY_PORT
export KYSO_VERIFIER_WORKER_PORT=${KYSO_VERIFIER_WORKER_PORT:-3012}
# One host: the gateway and the services reach each other over Unix-domain sockets in the run
# directory (mode 600 in a directory only this user can enter) rather than loopback TCP
# (docs/performance.md). The ports stay open: health checks, the seed, the bench's row straight at
# the signer and the tests use them. KYSO_USE_SOCKETS=0 keeps everything on TCP; so does
# a run directory whose path is too long for a socket (107 bytes).
if [ "${KYSO_USE_SOCKETS:-1}" != 0 ] && [ ${#DEV} -le 90 ]; then
  export KYSO_SIGNER_SOCKET=$DEV/run/signer.sock KYSO_VERIFIER_SOCKET=$DEV/run/verifier.sock
  export KYSO_REGISTRY_SOCKET=$DEV/run/registry.sock
else
  unset KYSO_SIGNER_SOCKET KYSO_VERIFIER_SOCKET KYSO_REGISTRY_SOCKET
fi
# The registry's dev CA fulfils lifecycle requests at once and publishes CRLs/OCSP for relying parties.
export KYSO_CA_CONNECTOR=dev
export KYSO_DEV_CA_DIR=$DEV/pki
export KYSO_DEV_CA_PUBLIC_URL=http://127.0.0.1:$KYSO_GATEWAY_PORT/api/v1/pki/dev-ca
# The signer timestamps B-T..B-LTA signatures with the dev CA's RFC 3161 TSA (through the gateway).
export KYSO_TSA_URL=${KYSO_TSA_URL:-$KYSO_DEV_CA_PUBLIC_URL/tsa}
# The verifier refuses loopback and private addresses unless allow-listed: only the dev CA's (the gateway's) port.
export KYSO_REVOCATION_FETCH_ALLOW=${KYSO_REVOCATION_FETCH_ALLOW:-127.0.0.1:$KYSO_GATEWAY_PORT}
# Webhooks may call back to this machine (a receiver on localhost), not to private networks.
export KYSO_WEBHOOK_ALLOW=${KYSO_WEBHOOK_ALLOW:-127.0.0.0/8,::1}

bash scripts/stop.sh --quiet
# A port still taken is not ours to free (e.g. services of an earlier quickstart whose var/dev is gone).
for port in $KYSO_REGISTRY_PORT $KYSO_SIGNER_PORT $KYSO_VERIFIER_PORT $KYSO_GATEWAY_PORT $KYSO_VERIFIER_WORKER_PORT; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "kyso: port $port is in use by another process; stop it, or choose other KYSO_*_PORT values:" >&2
    ss -Hltnp "sport = :$port" >&2 2>/dev/null || true
    exit 1
  fi
done
# Created when missing; made again when it holds another or a deleted var/dev's data.
node dist/scripts/dev/database.js
echo "kyso: migrating"
node dist/scripts/migrate.js
node dist/scripts/dev/pki.js

# KYSO_SERVICE_NODE_ARGS: extra node flags for the services (the bench's --cpu-prof; NODE_OPTIONS refuses it).
start() { # name, script
  # shellcheck disable=SC2086 # word splitting of the flags is meant
  nohup node ${KYSO_SERVICE_NODE_ARGS:-} "$2" > "$DEV/logs/$1.log" 2>&1 < /dev/null &
  echo $! > "$DEV/run/$1.pid"
}
wait_ready() { # name, url
  for _ in $(seq 1 120); do
    if curl -fsS -o /dev/null "$2/health/ready" 2>/dev/null; then return 0; fi
    if ! kill -0 "$(cat "$DEV/run/$1.pid")" 2>/dev/null; then
      echo "kyso: $1 exited; last lines of $DEV/logs/$1.log:" >&2; tail -20 "$DEV/logs/$1.log" >&2; exit 1
    fi
    sleep 0.5
  done
  echo "kyso: $1 not ready after 60 s; see $DEV/logs/$1.log" >&2; exit 1
}

start registry dist/apps/registry/src/main.js
wait_ready registry http://127.0.0.1:$KYSO_REGISTRY_PORT
echo "kyso: seeding the dev PKI and demo data"
node dist/scripts/dev/seed.js
start signer dist/apps/signer/src/main.js
start verifier dist/apps/verifier/src/main.js
start verifier-worker dist/apps/verifier/src/worker.js
start gateway dist/apps/gateway/src/main.js
wait_ready signer http://127.0.0.1:$KYSO_SIGNER_PORT
wait_ready verifier http://127.0.0.1:$KYSO_VERIFIER_PORT
wait_ready gateway http://127.0.0.1:$KYSO_GATEWAY_PORT
wait_ready verifier-worker http://127.0.0.1:$KYSO_VERIFIER_WORKER_PORT

node dist/scripts/dev/print-welcome.js
