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

step "Checking for a PostgreSQL to test against"
# The PostgreSQL adapters' tests create a database of their own on it (lib/testing/postgres.ts);
# MJ_REQUIRE_POSTGRES makes them fail, not skip, when there is none.
export MJ_REQUIRE_POSTGRES=1
if [ -n "${PG_TEST_URL:-}" ]; then
  echo "using PG_TEST_URL"
else
  if ! command -v pg_lsclusters >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
      echo "installing Debian's postgresql with apt-get"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    else
      echo "No PostgreSQL found. Install it (Debian: sudo apt-get install postgresql) and run npm test" >&2
      echo "as root, or set PG_TEST_URL to a server where that role may create databases." >&2
      exit 1
    fi
  fi
  # A fresh install inside a container is not started (no init system): start every cluster, and
  # stop again at the end the ones this run started.
  started_clusters=()
  while read -r version name _port status _rest; do
    if [ "$status" != online ]; then
      if [ "$(id -u)" = 0 ]; then
        pg_ctlcluster "$version" "$name" start
        started_clusters+=("$version $name")
      else
        echo "PostgreSQL cluster $version/$name is down; start it (sudo pg_ctlcluster $version $name start)" >&2
        exit 1
      fi
    fi
  done < <(pg_lsclusters --no-header)
  pg_lsclusters
  # As root the test kit creates its login role (lib/testing/postgres.ts) on the first cluster when
  # missing. One this run created is dropped at the end; PostgreSQL refuses while the role still owns
  # a database (another test run on this machine is using it), and then it is left for that run.
  kit_port=$(pg_lsclusters --no-header | awk 'NR == 1 { print $3 }')
  kit_psql() { runuser -u postgres -- psql -p "$kit_port" -v ON_ERROR_STOP=1 -qtAc "$1"; }
  kit_role_existed=1
  if [ "$(id -u)" = 0 ] && [ -z "$(kit_psql "SELECT 1 FROM pg_roles WHERE rolname = 'mj_test'" 2>/dev/null)" ]; then
    kit_role_existed=0
  fi
  tidy_postgres() {
    if [ "$kit_role_existed" = 0 ]; then
      if kit_psql "DROP ROLE IF EXISTS mj_test" 2>/dev/null; then echo "dropped the test role mj_test"; else
        echo "left the test role mj_test: it still owns a database (another test run?)"
      fi
    fi
    for cluster in "${started_clusters[@]}"; do
      # shellcheck disable=SC2086 # "version name", split on purpose
      pg_ctlcluster $cluster stop && echo "stopped PostgreSQL $cluster, which this run started"
    done
  }
  trap tidy_postgres EXIT
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
