#!/usr/bin/env bash
# Brings what `npm start` and `npm test` need on a fresh Debian/Ubuntu machine: the Debian
# packages the desktops (and the tests) use, and the npm packages without Electron's binary
# download. As root it installs what is missing; otherwise it prints the one command that would.
#   scripts/ensure.sh run    packages to run the host and the app
#   scripts/ensure.sh test   ... plus what the tests and benchmarks use
set -euo pipefail
cd "$(dirname "$0")/.."

run_pkgs=(tigervnc-standalone-server tigervnc-tools openbox tint2 xterm chromium x11-xserver-utils
  dbus dbus-x11 sudo python3 util-linux fonts-dejavu-core libsecret-1-0 gnome-keyring
  pulseaudio pulseaudio-utils xclip pcmanfm imagemagick fonts-noto-cjk fonts-noto-color-emoji
  iproute2 nftables e2fsprogs ffmpeg gcc libc6-dev)
test_pkgs=(libsecret-1-dev libsecret-tools xvfb x11vnc xdotool x11-utils xclip scrot imagemagick
  python3 python3-requests make g++ nginx libnginx-mod-rtmp)

pkgs=("${run_pkgs[@]}")
[ "${1:-run}" = test ] && pkgs+=("${test_pkgs[@]}")

# One dpkg-query for all of them: one per package cost most of a second at every `npm start`.
installed=" $({ dpkg-query -W -f='${Package}=${Status}\n' "${pkgs[@]}" 2>/dev/null || true; } | sed -n 's/=install ok installed$//p' | tr '\n' ' ') "
missing=()
for p in "${pkgs[@]}"; do
  [[ "$installed" == *" $p "* ]] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages. Install them with:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# npm packages: Electron's binary comes from a host that may be unreachable; everything but the
# thin Electron glue runs without it (browser mode), so never let its download fail the install.
# The stamp holds the lock file's hash: reinstall when the lock's content changes, not its mtime
# (installing one package in a working tree would otherwise trigger a full `npm ci`).
stamp=node_modules/.orgo-installed
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  if [ -d node_modules ] && [ -f "$stamp" ] && [ -z "${CI:-}" ]; then
    echo "package-lock.json changed: updating npm packages"
    ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm install --no-audit --no-fund
  else
    ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund
  fi
  echo "$want" > "$stamp"
fi

# The command line (`npx orgo`): bundled into out/cli/ when its sources are newer than the bundle.
node scripts/build-app.mjs cli >/dev/null
