"""Servers of the desktop user's session that start when their first client connects.

Most computers never play a sound and idle with nothing on their session bus, yet PulseAudio
(~1.2 MB and a thread) and dbus-daemon (~0.4 MB) would otherwise run in every one of them. So
the guest holds each one's socket and starts the server only when something connects (a browser
that opens, a player, the audio channel's recorder, a file manager). The socket is handed over
the way systemd's socket activation does it (fd 3, LISTEN_FDS, LISTEN_PID), which PulseAudio's
native protocol module and dbus-daemon's `systemd:` address take; the waiting client's
connection is accepted by the server itself, so nothing is lost. If the server ever ends, the
next connection starts it again.
"""
import os
import select
import subprocess
import sys
import threading
import time

import procs
import unix_socket

UID = 1000  # the desktop user (seed.py)
RUNTIME = f"/run/user/{UID}"
# fd 3 is where socket activation puts the first socket; LISTEN_PID must name the server itself,
# which `exec` keeps as the shell's pid.
HANDOVER = 'exec 3<&"$1" && shift && LISTEN_FDS=1 LISTEN_PID=$$ exec "$@"'


class OnDemand:
    def __init__(self, reaper, name, path, argv):
        self.reaper, self.name, self.path, self.argv = reaper, name, path, argv

    def start(self):
        folder = os.path.dirname(self.path)
        if folder != RUNTIME:
            os.makedirs(folder, mode=0o700, exist_ok=True)
            os.chown(folder, UID, UID)
            os.chmod(folder, 0o700)
        s = unix_socket.listen(self.path, owner=UID)
        threading.Thread(target=self._serve, args=(s,), name=self.name, daemon=True).start()

    def _serve(self, s):
        fd = s.fileno()
        while True:
            select.select([fd], [], [])  # a client is waiting
            try:
                p = procs.spawn_user(self.reaper, ["/bin/sh", "-c", HANDOVER, "sh", str(fd), *self.argv],
                                     pass_fds=(fd,), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
            except OSError as e:
                print(f"guest: the {self.name} did not start: {e}", file=sys.stderr, flush=True)
                return
            # While it runs, the server accepts on its copy of the socket; ours waits for its end.
            started = time.monotonic()
            self.reaper.wait(p.pid)
            if time.monotonic() - started < 2:
                time.sleep(2)  # it could not start: do not spin on the waiting client


def sound_server(reaper):
    """PulseAudio (desktop/pulse.pa) on $XDG_RUNTIME_DIR/pulse/native."""
    return OnDemand(reaper, "sound server", f"{RUNTIME}/pulse/native",
                    ["pulseaudio", "-n", "-F", "/etc/orgo/pulse.pa", "--daemonize=no", "--exit-idle-time=-1",
                     "--realtime=no", "--high-priority=no", "--log-target=stderr"])


def session_bus(reaper):
    """The session's D-Bus on a path inside the computer (procs.USER_ENV names it), not an
    abstract socket that other computers sharing the network namespace could reach."""
    return OnDemand(reaper, "session bus", f"{RUNTIME}/bus",
                    ["dbus-daemon", "--session", "--address=systemd:", "--nofork", "--nopidfile"])
