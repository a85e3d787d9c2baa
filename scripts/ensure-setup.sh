#!/usr/bin/env bash
# Installs what the project needs when it is missing: npm packages (npm ci) and, as root on
# Debian, python3 (the XSOAR integration's tests run its Python), Chromium and Firefox ESR, and the
# PostgreSQL server, from apt. Safe to run again: it does
# nothing when all is there.
#
#   bash scripts/ensure-setup.sh            # both
#   bash scripts/ensure-setup.sh npm        # packages and python3 (enough for types, lint and unit tests)
#   bash scripts/ensure-setup.sh browsers   # browsers only (the end-to-end tests and the demo)
#   bash scripts/ensure-setup.sh postgres   # the PostgreSQL server (the console-pg tests)
set -euo pipefail
cd "$(dirname "$0")/.."

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1

# apt_install <package>...: as root on Debian, from apt; otherwise says what to install and fails.
apt_install() {
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "==> installing $* from apt"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  else
    echo "Missing $*: install them (Debian: sudo apt-get install $*)." >&2
    exit 1
  fi
}

ensure_npm() {
  # The XSOAR integration is Python; its unit tests run it against a real console.
  command -v python3 >/dev/null || apt_install python3
  # npm ci when node_modules is missing or older than the lock file.
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "==> npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

ensure_browsers() {
  local missing=()
  [ -x /usr/lib/chromium/chromium ] || missing+=(chromium)
  [ -x /usr/bin/firefox-esr ] || missing+=(firefox-esr)
  if [ "${#missing[@]}" -gt 0 ]; then apt_install "${missing[@]}"; fi
}

ensure_postgres() {
  if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then return; fi
  if [ "$(id -u)" = "0" ]; then
    # The tests start their own throw-away cluster: no system-wide 'main' cluster or service.
    mkdir -p /etc/postgresql-common
    [ -f /etc/postgresql-common/createcluster.conf ] || echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.conf
  fi
  apt_install postgresql
}

case "${1:-all}" in
  npm) ensure_npm ;;
  browsers) ensure_browsers ;;
  postgres) ensure_postgres ;;
  all) ensure_browsers && ensure_postgres && ensure_npm ;;
  *) echo "usage: $0 [npm|browsers|postgres]" >&2 && exit 2 ;;
esac
