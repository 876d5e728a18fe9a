"""Terminals: a real pty running the desktop user's login shell, one per connection.

The shell is the session leader of its own session with the pty as its controlling terminal
(`setsid --ctty`), so job control, Ctrl-C and window-size changes (SIGWINCH) work as in any
terminal emulator. Output goes to the host as raw bytes; the host decodes UTF-8 as a stream, so a
character split between two reads is never mangled.
"""
import fcntl
import os
import pwd
import select
import signal
import struct
import subprocess
import termios
import threading
import time

import procs
from channels import Closed

MAX_TERMINALS = 32
HANGUP_GRACE_S = 2.0
_count = 0
_count_lock = threading.Lock()


def _size(value, default, most):
    try:
        n = int(value)
    except (TypeError, ValueError):
        return default
    return max(1, min(most, n))


def set_size(fd, cols, rows):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def serve(conn, header, reaper):
    global _count
    with _count_lock:
        if _count >= MAX_TERMINALS:
            conn.send_json({"type": "error", "message": f"this computer already has {MAX_TERMINALS} terminals open"})
            return
        _count += 1
    try:
        Terminal(conn, header, reaper).run()
    finally:
        with _count_lock:
            _count -= 1


class Terminal:
    def __init__(self, conn, header, reaper):
        self.conn = conn
        self.reaper = reaper
        self.master, slave = os.openpty()
        set_size(self.master, _size(header.get("cols"), 80, 1000), _size(header.get("rows"), 24, 1000))
        user = pwd.getpwuid(1000)
        shell = user.pw_shell if user.pw_shell and os.path.exists(user.pw_shell) else "/bin/bash"
        env = dict(procs.USER_ENV, SHELL=shell, COLORTERM="truecolor")
        try:
            # Not procs.spawn_user: its new session would make `setsid` fork, and the shell's exit
            # status would be lost. Here setsid itself makes the session and takes the pty.
            self.proc = subprocess.Popen(
                ["setsid", "--ctty", shell, "-l"], stdin=slave, stdout=slave, stderr=slave,
                user=1000, group=1000, extra_groups=procs._user_groups(), env=env, cwd="/home/user",
                close_fds=True)
            reaper.spawned()
        finally:
            os.close(slave)
        self.status = None
        self.exited = threading.Event()
        reaper.watch(self.proc.pid, self._on_exit)

    def _on_exit(self, status):
        self.status = status
        self.exited.set()

    def run(self):
        pump = threading.Thread(target=self._pump_output, daemon=True)
        pump.start()
        try:
            while True:
                kind, msg = self.conn.receive()
                if kind == "B":
                    self._write(msg)
                elif msg.get("type") == "input" and isinstance(msg.get("data"), str):
                    self._write(msg["data"].encode("utf-8", "surrogatepass"))
                elif msg.get("type") == "resize":
                    set_size(self.master, _size(msg.get("cols"), 80, 1000), _size(msg.get("rows"), 24, 1000))
        except (Closed, OSError):
            pass
        finally:
            self._hang_up()
            pump.join(HANGUP_GRACE_S + 1)
            os.close(self.master)  # only now: the pump must never read a reused fd number

    def _write(self, data):
        view = memoryview(data)
        while view:
            n = os.write(self.master, view)
            view = view[n:]

    def _pump_output(self):
        """Copies pty output to the host until the shell has ended, then reports its exit."""
        drain_until = None
        try:
            while True:
                # Once the shell has exited, background jobs may still hold the pty open: drain
                # what is there (for half a second at most) instead of waiting for them.
                if self.exited.is_set() and drain_until is None:
                    drain_until = time.monotonic() + 0.5
                r, _, _ = select.select([self.master], [], [], 0.05 if drain_until else 0.5)
                if drain_until and (not r or time.monotonic() > drain_until):
                    break
                if not r:
                    continue
                try:
                    data = os.read(self.master, 65536)
                except OSError:  # EIO: every process holding the pty is gone
                    break
                if not data:
                    break
                # A busy program fills the pty faster than one read (about 4 KB) takes: gather
                # what is already there into one message, without waiting for more.
                while len(data) < 65536 and select.select([self.master], [], [], 0)[0]:
                    try:
                        more = os.read(self.master, 65536)
                    except OSError:
                        break
                    if not more:
                        break
                    data += more
                self.conn.send_bytes(data)
            if self.exited.wait(HANGUP_GRACE_S):
                self.conn.send_json({"type": "exit", "code": procs.exit_code(self.status)})
        except Closed:
            pass
        finally:
            self.conn.close()

    def _hang_up(self):
        """The viewer went away: hang up the shell's session as a closing terminal would."""
        if not self.exited.is_set():
            try:
                os.killpg(self.proc.pid, signal.SIGHUP)
            except ProcessLookupError:
                pass
            if not self.exited.wait(HANGUP_GRACE_S):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
