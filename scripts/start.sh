#!/usr/bin/env bash
# npm start [-- --web] [-- --no-open] [-- --port PORT]
# Brings what is missing, then starts Orgo Desktop: Electron where its binary exists, otherwise
# (or with --web) browser mode: the same app served on 127.0.0.1 and opened in Chromium's app mode.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure.sh run

web=0
args=()
for a in "$@"; do
  if [ "$a" = --web ]; then web=1; else args+=("$a"); fi
done

# require('electron') answers the binary's path, or throws when the binary was never downloaded.
# Its install writes path.txt only after a download: without it, no Node start to find that out.
electron_bin=""
if [ -f node_modules/electron/path.txt ] || [ -n "${ELECTRON_OVERRIDE_DIST_PATH:-}" ]; then
  electron_bin=$(node -e "try { const p = require('electron'); if (require('fs').existsSync(p)) process.stdout.write(p) } catch {}" 2>/dev/null || true)
fi

if [ "$web" = 0 ] && [ -n "$electron_bin" ]; then
  npx electron-vite build >/dev/null
  # As root, Chromium (and so Electron) refuses to start without --no-sandbox; windows stay sandboxed otherwise.
  extra=()
  [ "$(id -u)" -eq 0 ] && extra+=(--no-sandbox)
  exec "$electron_bin" . "${extra[@]}" ${args[@]+"${args[@]}"}
fi

if [ "$web" = 0 ]; then
  echo "Electron's binary is not installed here; starting browser mode (npm start -- --web does this on purpose)."
fi
node scripts/build-app.mjs
exec node out/browser-mode/cli.mjs ${args[@]+"${args[@]}"}
