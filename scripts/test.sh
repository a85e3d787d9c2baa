#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it: set-up, types, lint, unit tests, both builds,
# Firefox lint of the package, then the end-to-end tests in real Chromium and Firefox.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-setup.sh

echo "==> browsers"
/usr/lib/chromium/chromium --version || true
firefox-esr --version || true
node --version

echo "==> types and lint"
npm run --silent typecheck
npm run --silent lint

rm -rf test-results
echo "==> unit tests"
npx vitest run --project unit --reporter=default --reporter=json --outputFile.json=test-results/unit.json

echo "==> build"
npm run --silent build >/dev/null

echo "==> end-to-end tests"
UPWATCH_SKIP_BUILD=1 npx vitest run --project e2e --reporter=default --reporter=json --outputFile.json=test-results/e2e.json

npx tsx scripts/test-summary.ts test-results/unit.json test-results/e2e.json
