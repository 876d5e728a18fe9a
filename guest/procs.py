"""Child processes of the computer's pid 1: spawning as the desktop user, and reaping.

As pid 1, the guest inherits every orphan in the computer. One thread reaps them all with
waitpid(-1) and hands each status to whoever waits for that pid, so exit codes of commands
are never lost to the reaper.
"""
import os
import select
import signal
import subprocess
import threading
import time

import user_spawn

USER_ENV = {
    "HOME": "/home/user", "USER": "user", "LOGNAME": "user", "SHELL": "/bin/bash",
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "DISPLAY": ":1", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "XDG_RUNTIME_DIR": "/run/user/1000",
    "TERM": "xterm-256color", "DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/user/1000/bus",
}
MAX_OUTPUT = 4 * 1024 * 1024
# Long-lived helpers the guest itself runs (audio capture, stream watching): not the user's
# processes, so the process events leave them out.
INTERNAL = set()

# Popen objects that are dropped unfinished would otherwise be polled later with waitpid and
# could steal an exit status from the reaper.
subprocess._active = None


class Reaper:
    def __init__(self):
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._statuses = {}
        self._waiters = {}
        threading.Thread(target=self._loop, daemon=True).start()

    def spawned(self):
        with self._lock:
            self._wake.notify_all()

    def watch(self, pid, callback):
        with self._lock:
            if pid in self._statuses:
                status = self._statuses.pop(pid)
            else:
                self._waiters[pid] = callback
                return
        callback(status)

    def wait(self, pid, timeout=None):
        done = threading.Event()
        box = []
        self.watch(pid, lambda status: (box.append(status), done.set()))
        if not done.wait(timeout):
            return None
        return box[0]

    def _loop(self):
        while True:
            try:
                pid, status = os.waitpid(-1, 0)
            except ChildProcessError:
                with self._lock:
                    self._wake.wait(0.5)
                continue
            with self._lock:
                cb = self._waiters.pop(pid, None)
                if cb is None:
                    self._statuses[pid] = status
                    # Orphans nobody asked about: keep only a bounded memory of them.
                    if len(self._statuses) > 1000:
                        self._statuses.pop(next(iter(self._statuses)))
            if cb:
                cb(status)


def describe(status):
    if os.WIFSIGNALED(status):
        return f"was killed by signal {os.WTERMSIG(status)}"
    return f"exited with code {os.WEXITSTATUS(status)}"


def exit_code(status):
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


def spawn_user(reaper, argv, env=None, **kw):
    p = subprocess.Popen(argv, user=1000, group=1000, extra_groups=_user_groups(), env=env or USER_ENV,
                         cwd="/home/user", start_new_session=True, close_fds=True, **kw)
    reaper.spawned()
    return p


_groups = None


def _user_groups():
    global _groups
    if _groups is None:
        import grp
        _groups = [g.gr_gid for g in grp.getgrall() if "user" in g.gr_mem] or [1000]
    return _groups


class _Spawned:
    """A command started by user_spawn.py: its pid and the read end of its output."""
    def __init__(self, pid, out_fd):
        self.pid = pid
        self.out_fd = out_fd


def _spawn_fast(reaper, argv, env):
    """posix_spawn as the user (user_spawn.py), or None where that is not available."""
    s = user_spawn.spawner(1000, 1000, _user_groups(), "/home/user")
    if s is None:
        return None
    r, w = os.pipe()
    try:
        pid = s.spawn(argv, env or USER_ENV, w)
    except OSError:
        os.close(r)
        return None
    finally:
        os.close(w)
    reaper.spawned()
    return _Spawned(pid, r)


def run_as_user(reaper, argv, timeout, env=None):
    """Runs a command to its end; its whole process group dies if it outlives `timeout`."""
    timeout = float(timeout)
    started = time.monotonic()
    p = _spawn_fast(reaper, argv, env)
    if p is None:
        popen = spawn_user(reaper, argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        p = _Spawned(popen.pid, popen.stdout.fileno())
        p.keep = popen  # the pipe's file object closes with it
    out = _Output(p)
    # This thread waits for both the output and the exit (one poll on the pipe and on an eventfd
    # the reaper's callback rings), rather than starting a reader thread per command and joining it.
    rung = os.eventfd(0, os.EFD_CLOEXEC)
    box = []
    ringing = threading.Lock()  # the callback may come after the answer (a timeout): never into a closed fd
    live = [True]

    def exited(status):
        box.append(status)
        with ringing:
            if live[0]:
                os.eventfd_write(rung, 1)
    try:
        reaper.watch(p.pid, exited)
        out.until(lambda: box, started + timeout, rung)  # its exit (reading meanwhile)
        timed_out = not box
        if timed_out:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            out.until(lambda: box, time.monotonic() + 5, rung)
        # Background jobs may keep the pipe open; take what came within a moment and move on.
        out.until(lambda: out.eof, time.monotonic() + (0.05 if not timed_out else 0.2))
        output = out.text()
    finally:
        with ringing:
            live[0] = False
            os.close(rung)
        out.leave()
    status = box[0] if box else None
    return {
        "output": output,
        "exit_code": exit_code(status) if status is not None else 137,
        "timed_out": timed_out,
        "duration_ms": round((time.monotonic() - started) * 1000, 1),
    }


class _Output:
    """A command's combined output, read from the read end of its pipe (MAX_OUTPUT kept)."""
    def __init__(self, spawned):
        self.fd = spawned.out_fd
        # Popen's file object closes its own descriptor; held here so that it is not collected early.
        self.keep = getattr(spawned, "keep", None)
        self.chunks = []
        self.size = 0
        self.eof = False

    def until(self, stop, deadline, ring=None):
        """Reads what comes until `stop()` or `deadline`; `ring` (an eventfd) also wakes the wait."""
        if stop():
            return
        poller = select.poll()
        if not self.eof:
            poller.register(self.fd, select.POLLIN)
        if ring is not None:
            poller.register(ring, select.POLLIN)
        while not stop():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            for fd, _ in poller.poll(left * 1000):
                if fd != self.fd:
                    poller.unregister(ring)
                elif not self._read():
                    poller.unregister(self.fd)

    def _read(self):
        b = os.read(self.fd, 65536)
        if not b:
            self.eof = True
            return False
        if self.size < MAX_OUTPUT:
            self.chunks.append(b)
            self.size += len(b)
        return True

    def text(self):
        return b"".join(self.chunks)[:MAX_OUTPUT].decode("utf-8", "replace")

    def leave(self):
        """The answer is made: the pipe is closed, or, while a background job still holds it
        open, drained by a thread until that job closes it (its writes never fail for it)."""
        if self.eof:
            if self.keep is None:
                os.close(self.fd)
            return
        self.chunks = None
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        try:
            while os.read(self.fd, 65536):
                pass
        finally:
            if self.keep is None:
                os.close(self.fd)


def alive_pids():
    """The computer's live processes other than pid 1 (zombies waiting to be reaped are not)."""
    pids = []
    for name in os.listdir("/proc"):
        if name.isdigit() and name != "1":
            try:
                with open(f"/proc/{name}/stat") as f:
                    if f.read().split(") ")[-1][0] != "Z":
                        pids.append(int(name))
            except OSError:
                pass
    return pids


def _stat_parent_and_program(pid):
    with open(f"/proc/{pid}/stat") as f:
        ppid = int(f.read().rsplit(") ", 1)[1].split()[1])
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        # Up to the first space too: Chromium rewrites its command line as one string.
        program = f.read().split(b"\0", 1)[0].split(b" ", 1)[0]
    return ppid, program


def main_processes(pids):
    """The processes among `pids` that are not helpers of their parent: a child running the same
    program as its parent (Chromium's zygotes, renderers and GPU process) is ended by it."""
    info = {}
    for pid in pids:
        try:
            info[pid] = _stat_parent_and_program(pid)
        except (OSError, ValueError, IndexError):
            pass
    return [pid for pid, (ppid, program) in info.items() if not (ppid in info and info[ppid][1] == program)]


# What the desktop's applications talk to while they close: ended after them, not beside them.
PLUMBING = {b"dbus-daemon", b"dbus-broker", b"at-spi-bus-launcher", b"at-spi2-registryd"}


def plumbing(pids):
    """The processes among `pids` that run the session's buses (see PLUMBING)."""
    found = []
    for pid in pids:
        try:
            _, program = _stat_parent_and_program(pid)
        except (OSError, ValueError, IndexError):
            continue
        if os.path.basename(program) in PLUMBING:
            found.append(pid)
    return found


def others_alive(keep=()):
    """True while any process other than pid 1 (and those in `keep`) is alive in the computer."""
    return any(p not in keep for p in alive_pids())
