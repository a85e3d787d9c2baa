#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it, fastest feedback first: packages, types, lint and
# unit tests (no browser needed), the console's tests on PostgreSQL, then the browsers, both builds and the end-to-end tests in real
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

# The console's tests again on PostgreSQL: the project's global setup starts a throw-away cluster
# (initdb + pg_ctl on a free loopback port, trust auth on loopback only) and stops it by its pid
# afterwards, whether the tests pass or not.
bash scripts/ensure-setup.sh postgres
echo "==> console tests on PostgreSQL"
"$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/postgres" --version || true
npx vitest run --project console-pg --reporter=default --reporter=json --outputFile.json=test-results/console-pg.json

bash scripts/ensure-setup.sh browsers
echo "==> browsers"
/usr/lib/chromium/chromium --version || true
firefox-esr --version || true

echo "==> build"
npm run --silent build >/dev/null

echo "==> end-to-end tests"
UPWATCH_SKIP_BUILD=1 npx vitest run --project e2e --reporter=default --reporter=json --outputFile.json=test-results/e2e.json

npx tsx scripts/test-summary.ts test-results/unit.json test-results/console-pg.json test-results/e2e.json
