"""The computer's sound server, started when the first client connects.

PulseAudio costs each computer about 1.2 MB and a thread, and most computers never play a
sound. So the guest holds its socket ($XDG_RUNTIME_DIR/pulse/native) and starts PulseAudio
(desktop/pulse.pa) only when something connects: a browser that opens, a player, the audio
channel's recorder. The socket is handed over the way systemd's socket activation does it
(fd 3, LISTEN_FDS, LISTEN_PID), which PulseAudio's native protocol module takes; the waiting
client's connection is accepted by PulseAudio itself, so nothing is lost. If PulseAudio ever
ends, the next connection starts it again.
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
SOCKET = f"{RUNTIME}/pulse/native"
PULSEAUDIO = ["pulseaudio", "-n", "-F", "/etc/orgo/pulse.pa", "--daemonize=no", "--exit-idle-time=-1",
              "--realtime=no", "--high-priority=no", "--log-target=stderr"]
# fd 3 is where socket activation puts the first socket; LISTEN_PID must name the server itself,
# which `exec` keeps as the shell's pid.
HANDOVER = 'exec 3<&"$1" && shift && LISTEN_FDS=1 LISTEN_PID=$$ exec "$@"'


class SoundServer:
    def __init__(self, reaper):
        self.reaper = reaper

    def start(self):
        folder = os.path.dirname(SOCKET)
        os.makedirs(folder, mode=0o700, exist_ok=True)
        os.chown(folder, UID, UID)
        os.chmod(folder, 0o700)
        s = unix_socket.listen(SOCKET, owner=UID)
        threading.Thread(target=self._serve, args=(s,), name="sound-server", daemon=True).start()

    def _serve(self, s):
        fd = s.fileno()
        while True:
            select.select([fd], [], [])  # a client is waiting
            try:
                p = procs.spawn_user(self.reaper, ["/bin/sh", "-c", HANDOVER, "sh", str(fd), *PULSEAUDIO],
                                     pass_fds=(fd,), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
            except OSError as e:
                print(f"guest: the sound server did not start: {e}", file=sys.stderr, flush=True)
                return
            # While it runs, PulseAudio accepts on its copy of the socket; ours waits for its end.
            started = time.monotonic()
            self.reaper.wait(p.pid)
            if time.monotonic() - started < 2:
                time.sleep(2)  # it could not start: do not spin on the waiting client
