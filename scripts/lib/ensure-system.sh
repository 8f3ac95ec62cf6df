#!/usr/bin/env bash
# Installs the Debian packages Kyso needs when missing, and starts PostgreSQL and Redis when they are
# not answering. Safe to run repeatedly; prints only what it does.
set -euo pipefail

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else
    echo "kyso: need root to run: $*" >&2; return 1; fi
}

need=()
command -v softhsm2-util >/dev/null || need+=(softhsm2)
command -v pkcs11-tool >/dev/null || need+=(opensc)
command -v p11-kit >/dev/null || need+=(p11-kit)
[ -e /usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-client.so ] || ls /usr/lib/*/pkcs11/p11-kit-client.so >/dev/null 2>&1 || need+=(p11-kit-modules)
command -v pdfsig >/dev/null || need+=(poppler-utils)
command -v certutil >/dev/null || need+=(libnss3-tools)
command -v qpdf >/dev/null || need+=(qpdf)
command -v openssl >/dev/null || need+=(openssl)
command -v curl >/dev/null || need+=(curl)
command -v pg_isready >/dev/null || need+=(postgresql-client)
[ -e /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf ] || need+=(fonts-liberation2)
# The public verification page's browser test (test/e2e/verify-page.e2e.spec.ts) drives Debian's Chromium.
command -v chromium >/dev/null || need+=(chromium)
# Only install a server when none answers on its port (this machine kind runs both already).
if ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null && ! ls /etc/postgresql/*/main >/dev/null 2>&1; then need+=(postgresql); fi
if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && ! command -v redis-server >/dev/null; then need+=(redis-server); fi

if [ ${#need[@]} -gt 0 ]; then
  echo "kyso: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  echo "kyso: starting PostgreSQL"
  as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  echo "kyso: starting Redis"
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/kyso.log
  for _ in $(seq 1 30); do (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && break; sleep 1; done
fi
pg_isready -q -h 127.0.0.1 -p 5432 || { echo "kyso: PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 1; }
(exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null || { echo "kyso: Redis is not reachable on 127.0.0.1:6379" >&2; exit 1; }
