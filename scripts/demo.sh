#!/usr/bin/env bash
# The main job: set up, build, and watch Upwatch catch uploads to real destinations in a real
# (headless) Chromium, forwarded to the console. Prints what the console stored; saves a
# screenshot of the popup to demo-output/popup.png and of the console's dashboard to
# demo-output/console.png, and prints the console's address and a sign-in. --keep leaves the
# console running until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-setup.sh
echo "==> building the extension"
npm run --silent build:chrome >/dev/null
echo "==> building the console's web interface"
npm run --silent build:console-ui >/dev/null
exec npx tsx scripts/demo.ts "$@"
