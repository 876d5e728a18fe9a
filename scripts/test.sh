#!/usr/bin/env bash
# npm test: type checks, lint, then every unit and integration test against real desktops.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure.sh test
if [ "$(id -u)" -ne 0 ]; then
  echo "The tests start real desktops, which needs root (namespaces, overlay disks). Run:" >&2
  echo "  sudo npm test" >&2
  exit 1
fi
mkdir -p test-results
rm -f test-results/vitest.json test-results/e2e.json  # never count an earlier run
echo "== typecheck"; npm run -s typecheck
echo "== lint"; npm run -s lint
echo "== tests"
status=0
# One retry for a test that fails: desktops are real processes on a small machine, and a single
# timing-bound slip should not sink a whole run. The closing lines name every test that needed its
# retry (scripts/summary.mjs), so a flaky test is seen and mended, never hidden.
npx vitest run --retry=1 --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@" || status=$?
echo "== end to end (the app in browser mode on real desktops; Electron where its binary exists)"
npx playwright test -c playwright.config.ts || status=$?
node scripts/e2e-summary.mjs test-results/e2e.json || true
node scripts/summary.mjs test-results/vitest.json test-results/e2e.json || true
exit $status
