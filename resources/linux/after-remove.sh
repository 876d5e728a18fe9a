#!/bin/bash
# deb postrm: electron-builder's default (app-builder-lib/templates/linux/after-remove.tpl), then
# the host service. Its data (/var/lib/orgo-desktop: computers' disks, keys) stays, even on purge:
# removing it is the administrator's call (sudo rm -rf /var/lib/orgo-desktop).

if type update-alternatives >/dev/null 2>&1; then
    update-alternatives --remove '${executable}' '/opt/${sanitizedProductName}/${executable}'
else
    rm -f '/usr/bin/${executable}'
fi

APPARMOR_PROFILE_DEST='/etc/apparmor.d/${executable}'
if [ -f "$APPARMOR_PROFILE_DEST" ]; then
  if apparmor_status --enabled > /dev/null 2>&1; then
    if ! { [ -x '/usr/bin/ischroot' ] && /usr/bin/ischroot; } && hash apparmor_parser 2>/dev/null; then
      apparmor_parser --remove "$APPARMOR_PROFILE_DEST" || true
    fi
  fi
  rm -f "$APPARMOR_PROFILE_DEST"
fi

# dpkg runs this script for remove, purge, upgrade and failed installs; only a removal ends the host.
case "$1" in
  remove|purge)
    if [ -d /run/systemd/system ]; then
      systemctl disable --now orgo-host.service >/dev/null 2>&1 || true
    fi
    rm -f /lib/systemd/system/orgo-host.service
    if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
    ;;
esac
