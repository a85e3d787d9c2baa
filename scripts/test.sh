#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it, fastest feedback first: packages, types, lint and
# unit tests (no browser needed), the console's tests on PostgreSQL, then the browsers, both builds and the end-to-end tests in real
# Chromium and Firefox. Stops at the first failure (set -e).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-setup.sh npm
node --version

# Types, lint and format side by side (each is single-threaded; CI has 2 cores): each one's output
# is printed whole after it ends, and any failure stops the run here, in the first minutes.
echo "==> types, lint and format"
# The console UI's API types are generated first: lint and format read that file too.
npx tsx scripts/api-types.ts
checks_dir=$(mktemp -d)
(npx tsc --noEmit && npx tsc --noEmit -p console/ui) >"$checks_dir/types" 2>&1 & types_pid=$!
npm run --silent lint >"$checks_dir/lint" 2>&1 & lint_pid=$!
npm run --silent format:check >"$checks_dir/format" 2>&1 & format_pid=$!
checks_failed=0
for check in types:$types_pid lint:$lint_pid format:$format_pid; do
  if wait "${check#*:}"; then echo "--> ${check%%:*}: ok"; else echo "--> ${check%%:*}: FAILED" && checks_failed=1; fi
  cat "$checks_dir/${check%%:*}"
done
rm -rf "$checks_dir"
[ "$checks_failed" = 0 ]

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
