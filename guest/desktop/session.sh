#!/bin/sh
# One computer's desktop session, run as `user` once the display is up.
export XDG_RUNTIME_DIR=/run/user/1000
# A session bus on a path inside the computer, not an abstract socket that other computers
# sharing the network namespace could reach.
eval "$(dbus-daemon --session --address="unix:path=$XDG_RUNTIME_DIR/bus" --fork --print-address=1 | sed 's/^/DBUS_SESSION_BUS_ADDRESS=/; s/$/; export DBUS_SESSION_BUS_ADDRESS/')" 2>/dev/null
# The computer's sound (PulseAudio, desktop/pulse.pa) starts when its first client connects:
# the guest holds its socket (sound_server.py).
# The terminal's font and colours (no cpp: nothing here needs it, and it costs a process).
xrdb -nocpp -merge /etc/orgo/Xresources
# The pointer's shape. The wallpaper is the guest's (wallpaper.py): a solid colour set here
# could land after it and cover it.
xsetroot -cursor_name left_ptr
openbox --config-file /etc/orgo/openbox.xml &
tint2 -c /etc/orgo/tint2rc &
# The user's services (systemctl --user enable …): started now, restarted when they fail. The
# supervisor is a Python interpreter (7 MB): it starts here only when some unit is enabled;
# otherwise the first `systemctl --user` starts it.
set -- "$HOME"/.config/systemd/user/*.wants/*
if [ -e "$1" ] || [ -L "$1" ]; then
  /usr/bin/python3 /etc/orgo/services.py supervise >/dev/null 2>&1 &
fi
wait
