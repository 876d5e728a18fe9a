"""Live shells for agents: one bash per agent thread, kept running between the thread's commands.

Each is an interactive bash (as the desktop's user) on a pty of its own that is its controlling
terminal, so `cd`, exported variables, functions and aliases persist as in a terminal, and a
command that runs too long is interrupted the way a person would: Ctrl-C, which ends the command
(even a loop of builtins in the shell itself) and leaves the shell and its state in place.

A command goes into a file that the shell sources with its output on a pipe of its own
(`. file </dev/null >&63 2>&63`): any length and any quoting, no input to hang on, and programs
see a pipe rather than a terminal (no colours, pagers or progress bars, as in the reference bash
tool). The prompt hook writes a marker carrying a random token and `$?` to that pipe, so the end
of a command and its exit code are known without parsing the terminal. The terminal's own output
(the echoed line, job notices) is read and dropped.

What is kept of a command's output is bounded (its first and last HEAD_BYTES / TAIL_BYTES; the
middle is counted, not kept), so `yes` cannot grow the guest without end before its timeout.
"""
import os
import re
import secrets
import select
import signal
import subprocess
import threading
import time

import login_env
import procs

MAX_SHELLS = 16
HEAD_BYTES = 64 * 1024
TAIL_BYTES = 64 * 1024
START_TIMEOUT_S = 15.0
# After a timeout: Ctrl-C, then SIGKILL of the foreground job, then the shell itself is ended.
GRACE_S = 1.5
FD = 63
DIR = "/run/user/.orgo-shells"  # root's: the user can read a command file, not remove the folder
# What the shell is started with: the user's ~/.bashrc (as a terminal would), then the hook.
# PROMPT_COMMAND is made read-only so that a command cannot take the marker away by accident; and
# SIGINT's trap is reset before each command so that a `trap '' INT` cannot make Ctrl-C useless.
RC = r"""
[ -f ~/.bashrc ] && . ~/.bashrc
exec {fd}>&{pipe} {pipe}>&-
PS1='' PS2='' PS4='+ '
set +o history
unset HISTFILE
export PAGER=cat GIT_PAGER=cat MANPAGER=cat SYSTEMD_PAGER= TERM=dumb
PROMPT_COMMAND='printf "\036{token}:%d\036" "$?" >&{fd}; trap - INT'
readonly PROMPT_COMMAND
"""

_lock = threading.Lock()
_shells = {}  # key → Shell, oldest use first


class Capture:
    """One command's output: the head, a bounded tail, and how much was cut between them."""

    def __init__(self, marker):
        self.marker = marker
        self.head = bytearray()
        self.tail = bytearray()
        self.cut = 0
        self.rest = b""  # what came after the marker

    def feed(self, data):
        """Takes output; answers the exit code once the marker has come, else None."""
        self.tail += data
        m = self.marker.search(self.tail)
        if m:
            code = int(m.group(1))  # before the buffer under the match changes
            self.rest = bytes(self.tail[m.end():])
            del self.tail[m.start():]
            return code
        keep = 64  # a marker split across two reads is never moved out of reach
        if len(self.head) < HEAD_BYTES and len(self.tail) > keep:
            n = min(HEAD_BYTES - len(self.head), len(self.tail) - keep)
            self.head += self.tail[:n]
            del self.tail[:n]
        if len(self.tail) > TAIL_BYTES + keep:
            n = len(self.tail) - TAIL_BYTES - keep
            self.cut += n
            del self.tail[:n]
        return None

    def text(self):
        if not self.cut:
            return (bytes(self.head) + bytes(self.tail)).decode("utf-8", "replace")
        return (bytes(self.head).decode("utf-8", "replace")
                + f"\n[... {self.cut} bytes of output cut ...]\n"
                + bytes(self.tail).decode("utf-8", "replace"))


class Shell:
    def __init__(self, reaper):
        self.reaper = reaper
        self.token = secrets.token_hex(12)
        self.marker = re.compile(b"\x1e" + self.token.encode() + b":(-?\\d+)\x1e")
        self.lock = threading.Lock()  # one command at a time
        self.cond = threading.Condition()
        self.capture = Capture(self.marker)
        self.code = None
        self.status = None  # the shell's wait status, once it has ended
        os.makedirs(DIR, mode=0o711, exist_ok=True)
        self.file = f"{DIR}/{self.token}"
        rc = f"{DIR}/{self.token}.rc"
        self.master, slave = os.openpty()
        # The pump closes the terminal at its end; writes and ioctls after that must not reach
        # whatever file later takes its number.
        self.master_lock = threading.Lock()
        self.master_open = True
        read_end, write_end = os.pipe()
        self.out = read_end
        with open(rc, "w") as f:
            f.write(RC.replace("{fd}", str(FD)).replace("{pipe}", str(write_end)).replace("{token}", self.token))
        os.chmod(rc, 0o644)
        env = dict(login_env.get(reaper, procs.spawn_user) or procs.USER_ENV)
        env.pop("PROMPT_COMMAND", None)
        try:
            # As terminals.py: setsid makes the session and takes the pty as its terminal.
            self.proc = subprocess.Popen(
                ["setsid", "--ctty", "/bin/bash", "--noediting", "--rcfile", rc, "-i"],
                stdin=slave, stdout=slave, stderr=slave, pass_fds=(write_end,),
                user=1000, group=1000, extra_groups=procs._user_groups(), env=env, cwd="/home/user")
            reaper.spawned()
        finally:
            os.close(slave)
            os.close(write_end)
        reaper.watch(self.proc.pid, self._on_exit)
        threading.Thread(target=self._pump, daemon=True).start()
        with self.cond:
            self.cond.wait_for(lambda: self.code is not None or self.status is not None, START_TIMEOUT_S)
        os.unlink(rc)
        if self.code is None:
            self.kill()
            raise RuntimeError("the shell did not start" if self.status is None else f"the shell {procs.describe(self.status)} as it started")

    @property
    def alive(self):
        return self.status is None

    def _on_exit(self, status):
        with self.cond:
            self.status = status
            self.cond.notify_all()

    def _pump(self):
        """Reads the command pipe into the capture and drains the terminal, until both close."""
        fds = [self.master, self.out]
        while fds:
            r, _, _ = select.select(fds, [], [], 0.2)
            for fd in r:
                try:
                    data = os.read(fd, 65536)
                except OSError:  # EIO: the terminal has no one left on it
                    data = b""
                if not data:
                    fds.remove(fd)
                    if fd == self.out:
                        os.close(fd)
                    continue
                if fd == self.out:
                    with self.cond:
                        code = self.capture.feed(data)
                        if code is not None:
                            self.code = code
                            self.cond.notify_all()
            # Once the shell has gone, background jobs may hold the pipe for ever: its output is
            # still read (a job writing to a closed pipe would die of SIGPIPE) but nobody waits.
        with self.master_lock:
            self.master_open = False
            os.close(self.master)

    def _master(self, fn, *args):
        """fn(master, *args) while the terminal is open; None after."""
        with self.master_lock:
            return fn(self.master, *args) if self.master_open else None

    def run(self, command, timeout):
        with self.lock:
            if not self.alive:
                raise RuntimeError("the shell has ended")
            with open(self.file + ".new", "w", encoding="utf-8", errors="surrogateescape") as f:
                f.write(command)
                if not command.endswith("\n"):
                    f.write("\n")
            os.chmod(self.file + ".new", 0o644)
            os.replace(self.file + ".new", self.file)
            with self.cond:
                self.code = None
                self.capture = Capture(self.marker)
            started = time.monotonic()
            self._master(os.write, f". {self.file} </dev/null >&{FD} 2>&{FD}\n".encode())
            answer = {"timed_out": not self._wait(timeout), "ended": None}
            if answer["timed_out"]:
                answer["interrupted"] = self._interrupt()
            with self.cond:
                if self.status is not None and self.code is None:
                    # `exit` or a death: what it wrote before may still be in the pipe.
                    self.cond.wait(0.1)
                    answer["ended"] = f"{procs.describe(self.status)}"
                answer["output"] = self.capture.text()
                answer["exit_code"] = self.code if self.code is not None else (procs.exit_code(self.status) if self.status is not None else None)
                # What a background job writes after the marker belongs to the next command.
                rest = self.capture.rest
                self.capture = Capture(self.marker)
                if rest:
                    self.capture.feed(rest)
            answer["duration_ms"] = round((time.monotonic() - started) * 1000, 1)
            return answer

    def _wait(self, timeout):
        """True once the command has finished (its marker came) or the shell has ended."""
        with self.cond:
            return self.cond.wait_for(lambda: self.code is not None or self.status is not None, timeout)

    def _interrupt(self):
        """A command past its time: how it was stopped ('ctrl-c', 'killed', or the shell 'ended')."""
        try:
            self._master(os.write, b"\x03")
        except OSError:
            pass
        if self._wait(GRACE_S):
            return "ctrl-c" if self.code is not None else "ended"
        try:
            job = self._master(os.tcgetpgrp)
            if job and job != self.proc.pid:
                os.killpg(job, signal.SIGKILL)
                if self._wait(GRACE_S):
                    return "killed" if self.code is not None else "ended"
        except OSError:
            pass
        self.kill()
        return "ended"

    def interrupt(self):
        """Ctrl-C for the command running now, if any (its run then answers as it ends)."""
        if self.lock.locked() and self.alive:
            try:
                return self._master(os.write, b"\x03") == 1
            except OSError:
                pass
        return False

    def kill(self):
        """Ends the shell and the job in the foreground; background jobs (a program started with
        `&`) have process groups of their own and keep running, as after closing a terminal's tab."""
        try:
            job = self._master(os.tcgetpgrp)
        except OSError:
            job = None
        for pgrp in {job, self.proc.pid} - {None}:
            try:
                os.killpg(pgrp, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        for path in (self.file, self.file + ".new"):
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass


def _key(req):
    key = req.get("key")
    if not isinstance(key, str) or not key or len(key) > 200:
        raise ValueError("key must be a short string")
    return key


def run(req, reaper):
    """Runs `command` in the shell of `key` (started if it has none, or its last one ended)."""
    key = _key(req)
    command = req.get("command")
    if not isinstance(command, str) or not command.strip():
        raise ValueError("command must be a non-empty string")
    timeout = float(req.get("timeout", 120))
    with _lock:
        shell = _shells.pop(key, None)
        if shell and shell.alive:
            _shells[key] = shell  # now the most recently used
        else:
            shell = None
            while len(_shells) >= MAX_SHELLS:  # the least recently used goes
                _shells.pop(next(iter(_shells))).kill()
    started = shell is None
    if shell is None:
        # Outside the lock: a start reads the user's ~/.bashrc, and other threads' shells go on.
        shell = Shell(reaper)
        with _lock:
            old = _shells.pop(key, None)
            if old:
                old.kill()
            _shells[key] = shell
    answer = shell.run(command, timeout)
    answer["started"] = started
    return answer


def close(req, reaper):
    """Ends the shell of `key`; the next command there starts a new one."""
    with _lock:
        shell = _shells.pop(_key(req), None)
    if shell:
        shell.kill()
    return {"closed": shell is not None}


def interrupt(req, reaper):
    with _lock:
        shell = _shells.get(_key(req))
    return {"interrupted": bool(shell and shell.interrupt())}
