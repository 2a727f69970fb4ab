#!/usr/bin/env bash
# The web panel's checks, for `make test` / CI: install exactly the locked packages,
# unit tests, the build (with the bundle budget), then the end-to-end test against the
# real stack through Caddy (needs go, redis-server, caddy and /usr/bin/chromium).
# SKIP_E2E=1 stops after the build.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
npm test
npm run build
node scripts/gen-proto.mjs --check
if [[ "${SKIP_E2E:-}" == 1 ]]; then
  exit 0
fi
missing=()
for tool in go redis-server caddy; do command -v "$tool" >/dev/null || missing+=("$tool"); done
[[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]] || missing+=(chromium)
if ((${#missing[@]})); then
  if [[ "${FUTUGW_REQUIRE_E2E:-}" == 1 ]]; then
    echo "e2e: missing ${missing[*]}" >&2; exit 1
  fi
  echo "e2e: skipped, this machine lacks ${missing[*]} (apt-get install redis-server caddy chromium; CI installs them)"
  exit 0
fi
npm run e2e
