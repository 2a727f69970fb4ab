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
if [[ "${SKIP_E2E:-}" != 1 ]]; then
  npm run e2e
fi
