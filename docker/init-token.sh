#!/bin/sh
# One-shot: creates the SoftHSM2 token in the `tokens` volume when it does not exist yet (reruns leave it).
set -eu
conf="${SOFTHSM2_CONF:?}"
dir="$(dirname "$conf")/tokens"
mkdir -p "$dir"
[ -f "$conf" ] || printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$dir" > "$conf"
if softhsm2-util --show-slots 2>/dev/null | grep -q "Label:[[:space:]]*${KYSO_TOKEN_LABEL:?}[[:space:]]*$"; then
  echo "kyso: token ${KYSO_TOKEN_LABEL} exists"
else
  softhsm2-util --init-token --free --label "$KYSO_TOKEN_LABEL" --so-pin "${KYSO_TOKEN_SO_PIN:?}" --pin "${KYSO_TOKEN_PIN:?}" >/dev/null
  echo "kyso: token ${KYSO_TOKEN_LABEL} created"
fi
