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

# Since Electron 42 `npm install` no longer downloads Electron's binary (no postinstall script;
# ELECTRON_SKIP_BINARY_DOWNLOAD is gone): it comes on first use. Fetch it once here, unless asked
# not to (ORGO_NO_ELECTRON_DOWNLOAD=1) or a try in the last day failed (offline machines such as
# these, where browser mode is the app); a marker remembers the failure.
failed_marker=node_modules/.orgo-electron-download-failed
if [ "$web" = 0 ] && [ ! -f node_modules/electron/path.txt ] && [ -z "${ELECTRON_OVERRIDE_DIST_PATH:-}" ] && [ -z "${ORGO_NO_ELECTRON_DOWNLOAD:-}" ] \
  && ! { [ -f "$failed_marker" ] && [ -n "$(find "$failed_marker" -mmin -1440 2>/dev/null)" ]; }; then
  echo "Fetching Electron's binary (once; Electron downloads it on first use since version 42)…"
  if timeout 600 node node_modules/electron/install.js >/dev/null 2>&1 && [ -f node_modules/electron/path.txt ]; then
    rm -f "$failed_marker"
  else
    touch "$failed_marker"
  fi
fi

# require('electron') answers the binary's path; since Electron 42 it also tries to download the
# binary when path.txt is missing, so it is only asked once path.txt says a download happened.
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
