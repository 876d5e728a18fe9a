#!/bin/sh
# One computer's desktop session, run as `user` once the display is up. It starts what runs
# for good and exits (the guest, pid 1, adopts them): a shell waiting beside them costs memory
# in every computer.
export XDG_RUNTIME_DIR=/run/user/1000
# The session bus ($DBUS_SESSION_BUS_ADDRESS) and the computer's sound (PulseAudio,
# desktop/pulse.pa) start when their first client connects: the guest holds their sockets
# (on_demand.py).
# The terminal's font and colours (no cpp: nothing here needs it, and it costs a process).
xrdb -nocpp -merge /etc/orgo/Xresources
# The pointer's shape. The wallpaper is the guest's (wallpaper.py): a solid colour set here
# could land after it and cover it.
xsetroot -cursor_name left_ptr
# librsvg loaded on first use instead of at start (lib/lazy-rsvg.c, where the host could build
# it): 0.7-0.9 MB less in each of the two; and one malloc arena (~0.2 MB less each: pango's
# start-up thread would keep one of its own). Only theirs: the library takes both out of the
# environment, so nothing they start sees them.
lazy=
[ -e /run/orgo-lib/librsvg-2.so.2 ] && lazy="env LD_LIBRARY_PATH=/run/orgo-lib GLIBC_TUNABLES=glibc.malloc.arena_max=1"
$lazy openbox --config-file /etc/orgo/openbox.xml &
$lazy tint2 -c /etc/orgo/tint2rc &
# The user's services (systemctl --user enable …): started now, restarted when they fail. The
# supervisor is a Python interpreter (7 MB): it starts here only when some unit is enabled;
# otherwise the first `systemctl --user` starts it.
set -- "$HOME"/.config/systemd/user/*.wants/*
if [ -e "$1" ] || [ -L "$1" ]; then
  /usr/bin/python3 /etc/orgo/services.py supervise >/dev/null 2>&1 &
fi
