#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it, fastest feedback first: packages, types, lint and
# unit tests (no browser needed), then the browsers, both builds and the end-to-end tests in real
# Chromium and Firefox. Stops at the first failure (set -e).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-setup.sh npm
node --version

echo "==> types"
npm run --silent typecheck
echo "==> lint"
npm run --silent lint

echo "==> format"
npm run --silent format:check

rm -rf test-results
echo "==> unit tests"
npx vitest run --project unit --reporter=default --reporter=json --outputFile.json=test-results/unit.json

bash scripts/ensure-setup.sh browsers
echo "==> browsers"
/usr/lib/chromium/chromium --version || true
firefox-esr --version || true

echo "==> build"
npm run --silent build >/dev/null

echo "==> end-to-end tests"
UPWATCH_SKIP_BUILD=1 npx vitest run --project e2e --reporter=default --reporter=json --outputFile.json=test-results/e2e.json

npx tsx scripts/test-summary.ts test-results/unit.json test-results/e2e.json
