#!/usr/bin/env bash
# The README's test command (`npm test`): installs what the tests need on a fresh Debian machine
# with only Node and npm, then runs lint, the formatting check, types, unit tests, the production build
# and the e2e suite.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

# Playwright cannot download its own browsers here; Debian's Chromium is used instead.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export NEXT_TELEMETRY_DISABLED=1

step "Installing npm packages"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
else
  echo "node_modules is up to date with package-lock.json"
fi

step "Checking for a Chromium to drive"
if [ -n "${PLAYWRIGHT_CHROMIUM_PATH:-}" ]; then
  echo "using PLAYWRIGHT_CHROMIUM_PATH=$PLAYWRIGHT_CHROMIUM_PATH"
elif [ -x /usr/bin/chromium ]; then
  echo "using /usr/bin/chromium"
elif command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "installing Debian's chromium with apt-get"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "No Chromium found. Install it (Debian: sudo apt-get install chromium) or set" >&2
  echo "PLAYWRIGHT_CHROMIUM_PATH to a Chromium/Chrome binary, then run npm test again." >&2
  exit 1
fi

step "Lint"
npx eslint . --max-warnings 0

step "Formatting (Prettier)"
npx prettier --check .

step "Type check"
npx next typegen >/dev/null
npx tsc --noEmit

step "Unit tests (Vitest)"
npx vitest run

step "Production build"
npx next build

step "End-to-end tests (Playwright, demo mode)"
npx playwright test
