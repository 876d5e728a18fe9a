#!/bin/bash
# deb postinst (electron-builder fills in ${executable} and ${sanitizedProductName}): the work of
# electron-builder's default script (app-builder-lib/templates/linux/after-install.tpl), then the
# host's systemd unit. The unit is installed, not enabled: starting a root service that runs
# desktops is the administrator's decision (the app names the command when it finds the unit).

if type update-alternatives >/dev/null 2>&1; then
    if [ -L '/usr/bin/${executable}' -a -e '/usr/bin/${executable}' -a "`readlink '/usr/bin/${executable}'`" != '/etc/alternatives/${executable}' ]; then
        rm -f '/usr/bin/${executable}'
    fi
    update-alternatives --install '/usr/bin/${executable}' '${executable}' '/opt/${sanitizedProductName}/${executable}' 100 || ln -sf '/opt/${sanitizedProductName}/${executable}' '/usr/bin/${executable}'
else
    ln -sf '/opt/${sanitizedProductName}/${executable}' '/usr/bin/${executable}'
fi

# SUID chrome-sandbox only where unprivileged user namespaces do not work.
if ! { [[ -L /proc/self/ns/user ]] && unshare --user true; }; then
    chmod 4755 '/opt/${sanitizedProductName}/chrome-sandbox' || true
else
    chmod 0755 '/opt/${sanitizedProductName}/chrome-sandbox' || true
fi

if hash update-mime-database 2>/dev/null; then
    update-mime-database /usr/share/mime || true
fi
if hash update-desktop-database 2>/dev/null; then
    update-desktop-database /usr/share/applications || true
fi

if apparmor_status --enabled > /dev/null 2>&1; then
  APPARMOR_PROFILE_SOURCE='/opt/${sanitizedProductName}/resources/apparmor-profile'
  APPARMOR_PROFILE_TARGET='/etc/apparmor.d/${executable}'
  if apparmor_parser --skip-kernel-load --debug "$APPARMOR_PROFILE_SOURCE" > /dev/null 2>&1; then
    cp -f "$APPARMOR_PROFILE_SOURCE" "$APPARMOR_PROFILE_TARGET"
    if ! { [ -x '/usr/bin/ischroot' ] && /usr/bin/ischroot; } && hash apparmor_parser 2>/dev/null; then
      apparmor_parser --replace --write-cache --skip-read-cache "$APPARMOR_PROFILE_TARGET"
    fi
  fi
fi

# The host service. The unit's paths are /opt/orgo-desktop/…: refuse to install one that points
# nowhere (a renamed product would move the app, not the unit).
UNIT_SOURCE='/opt/${sanitizedProductName}/resources/linux/orgo-host.service'
if [ -f "$UNIT_SOURCE" ] && [ -d /lib/systemd/system ]; then
  if [ '/opt/${sanitizedProductName}' = /opt/orgo-desktop ]; then
    install -m 0644 "$UNIT_SOURCE" /lib/systemd/system/orgo-host.service
    if [ -d /run/systemd/system ]; then
      systemctl daemon-reload || true
      # An upgrade restarts a host that was running, so it runs the new program.
      systemctl try-restart orgo-host.service || true
    fi
  else
    echo "orgo-host.service not installed: the app is in /opt/${sanitizedProductName}, the unit expects /opt/orgo-desktop" >&2
  fi
fi
