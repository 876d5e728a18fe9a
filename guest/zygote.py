"""One interpreter per host that every computer's guest is forked from.

Starting a guest as its own `python3` costs each computer the interpreter's start and the
import of every guest module (~80 ms of CPU, several times that in wall time on a busy
machine), and each computer then holds its own copy of all of it (~5 MB). Forked from this
process, which has imported everything once, a guest starts in a few ms and shares those pages
with every other computer until it writes to them (gc.freeze keeps the collector off them).

The host starts this as `python3 -S -E -X pycache_prefix=… guest.py --zygote SOCKET` (so that
`ps` still names guest.py) and waits for its `ready` line. Each computer is one connection to SOCKET (root only): the host writes one JSON
line, {"env": {...}, "cgroup_procs": [...], "net": bool, "log": path}, and from then on the
connection is the guest's stdin and stdout (PROTOCOL.md), exactly as the pipes of a spawned
guest are. Before the guest's own lines the host reads {"event": "spawned", "pid": N}: the
computer's pid 1 as the host sees it, whose process group to signal and whose namespaces are
the computer's. When it has ended, this process writes {"event": "ended", "code": C, "signal": S}.

What `unshare --mount --uts --ipc --pid [--net] --fork --kill-child` did is done here in the
same system calls: the forked child unshares the namespaces, forks the computer's pid 1, moves
it into the computer's cgroups (while pid 1 builds its root, before it starts anything: see
computer()) and exits. Pid 1 is then a child of this
process (a child subreaper), which waits for it and writes its `ended` line, so no process per
computer sits waiting for it (a forked interpreter that waits costs each computer ~1.5 MB of
its own). Pid 1 is its own session and process group: the host signals that group to end it.
This process never runs threads, so forking it is safe.
"""
import ctypes
import json
import os
import select
import signal
import sys
import time

import unix_socket


guest = None  # guest.py's module, which has imported every module of the guest: serve() sets it
CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWPID, CLONE_NEWNET = 0x20000000, 0x40000000
PR_SET_MEMORY_MERGE = 67
CGROUP_FAILED = 111  # as the host's spawn path reports a failed join (host/runtime/desktop.ts)

libc = ctypes.CDLL(None, use_errno=True)


PR_SET_CHILD_SUBREAPER = 36

libc = ctypes.CDLL(None, use_errno=True)


def line(conn, obj):
    conn.sendall((json.dumps(obj) + "\n").encode())


def ended(status):
    return {"event": "ended", "code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
            "signal": signal.Signals(os.WTERMSIG(status)).name if os.WIFSIGNALED(status) else None}


def read_request(conn):
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk:
            raise EOFError("the host closed before its request")
        data += chunk
        if len(data) > 1 << 20:
            raise ValueError("request too long")
    return json.loads(data)


def computer(conn, req, tell_pid, held):
    """The forked child: joins the computer's namespaces, forks its pid 1, moves it into the
    computer's cgroups, says the pid to the host (`spawned`) and to the zygote (`tell_pid`, a
    pipe), and exits. Never returns."""
    marks = {"fork": time.monotonic_ns()}  # where the way to the guest's main() goes (its `phases`)
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    # Other computers' connections and pipes, which the zygote holds: never any of this one's.
    for fd in held:
        os.close(fd)
    # The zygote's pipes to the host are not the computer's business.
    null = os.open("/dev/null", os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.close(null)
    if req.get("env", {}).get("ORGO_SHARE_PAGES") == "1":
        # This process, the guest and all they start let the kernel merge their pages with other
        # computers' equal ones (host/runtime/page-sharing.ts); fork and exec keep it.
        libc.prctl(PR_SET_MEMORY_MERGE, 1, 0, 0, 0)
    # Opened here, in the host's view: pid 1 shares this process's new mount namespace and may
    # have pivoted into the computer's root by the time they are written.
    try:
        procs_files = [os.open(path, os.O_WRONLY | os.O_CLOEXEC) for path in req.get("cgroup_procs", [])]
    except OSError as e:
        print(f"zygote: a computer's cgroups: {e}", file=sys.stderr, flush=True)
        line(conn, {"event": "ended", "code": CGROUP_FAILED, "signal": None})
        os._exit(CGROUP_FAILED)
    flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | (CLONE_NEWNET if req.get("net") else 0)
    if libc.unshare(flags) != 0:
        err = ctypes.get_errno()
        line(conn, {"event": "exit", "reason": f"could not start the sandbox: unshare: {os.strerror(err)}"})
        line(conn, {"event": "ended", "code": 1, "signal": None})
        os._exit(1)
    marks["unshare"] = time.monotonic_ns()
    # Pid 1 starts at once, and this process moves it into the computer's cgroups meanwhile: a
    # join costs 10-25 ms (the kernel's cgroup migration waits for an RCU grace period), which
    # now runs beside the guest building the computer's root. The guest starts no thread and no
    # process before `go` closes (guest.py `joined`): all of the computer's work but those first
    # few ms of its own is inside its limits. `spawned` is written before the close, so the host
    # still reads it before any line of the guest's.
    go_r, go_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(go_w)
        for fd in procs_files:
            os.close(fd)
        os.setsid()
        marks["pid1"] = time.monotonic_ns()
        req["env"]["ORGO_FORK_MARKS"] = ",".join(f"{k}:{v}" for k, v in marks.items())
        req["env"]["ORGO_JOINED_FD"] = str(go_r)
        guest_main(conn, req)
    os.close(go_r)
    # Said before the joins: the host sets up the computer's network meanwhile (pid 1's namespace
    # is there), and pid 1 writes nothing before `go` closes.
    line(conn, {"event": "spawned", "pid": pid})
    try:
        for fd in procs_files:
            os.write(fd, str(pid).encode())
    except OSError as e:
        print(f"zygote: pid 1 of a computer could not join its cgroups: {e}", file=sys.stderr, flush=True)
        os.kill(pid, signal.SIGKILL)
        line(conn, {"event": "ended", "code": CGROUP_FAILED, "signal": None})
        os._exit(CGROUP_FAILED)
    os.write(go_w, f"cgroups:{time.monotonic_ns()}".encode())
    os.write(tell_pid, str(pid).encode())
    os._exit(0)


def guest_main(conn, req):
    """The computer's pid 1: the guest, on the connection as its stdin and stdout."""
    fd = conn.fileno()
    os.dup2(fd, 0)
    os.dup2(fd, 1)
    log = os.open(req["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
    os.dup2(log, 2)
    os.close(log)
    conn.close()
    os.environ.clear()  # also the GLIBC_TUNABLES the zygote runs with (zygote.ts): not for users
    os.environ.update(req["env"])
    sys.stdin = open(0, "r", encoding="utf-8", closefd=False)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
    sys.stderr = open(2, "w", encoding="utf-8", closefd=False, buffering=1)
    try:
        guest.main()
    except Exception as e:
        guest.send({"event": "exit", "reason": f"the computer could not start: {e}"})
    os._exit(1)


class Computers:
    """The zygote's side of the computers it forked: for each, the connection to the host (a
    duplicate of the guest's), which gets the `ended` line when its pid 1 is reaped here."""

    def __init__(self, poller):
        self.poller = poller
        self.telling = {}  # pipe fd -> connection: the forked child is about to say the pid
        self.running = {}  # pid 1 of a computer -> its connection
        self.children = set()  # the forked children themselves, reaped without a word
        self.early = {}  # a pid 1 reaped before its pid was told: its status

    def held(self):
        return [*self.telling, *(c.fileno() for c in self.telling.values()), *(c.fileno() for c in self.running.values())]

    def forked(self, child, tell_r, conn):
        self.children.add(child)
        self.telling[tell_r] = conn
        self.poller.register(tell_r, select.POLLIN)

    def told(self, fd):
        conn = self.telling.pop(fd)
        self.poller.unregister(fd)
        data = os.read(fd, 32)
        os.close(fd)
        if not data:  # it failed before forking pid 1, and said so on the connection itself
            conn.close()
            return
        pid = int(data)
        if pid in self.early:
            self.end(conn, self.early.pop(pid))
        else:
            self.running[pid] = conn

    def reap(self):
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid in self.children:
                self.children.discard(pid)
            elif pid in self.running:
                self.end(self.running.pop(pid), status)
            else:
                self.early[pid] = status
                while len(self.early) > 1000:  # strays nobody will ask about: a bounded memory
                    self.early.pop(next(iter(self.early)))

    def end(self, conn, status):
        try:
            line(conn, ended(status))
        except OSError:
            pass
        conn.close()


_filler = None  # what fill_pools() allocated: kept for the zygote's life


def fill_pools():
    """Fills the free blocks of the interpreter's partly used pools (pymalloc) with objects kept
    here. A forked guest's first new objects would otherwise land in those free blocks, a few
    to a page, across the pages it shares with every other computer: each such page becomes a
    private copy in each computer (copy-on-write). Filled, the guest's objects take pages of
    their own, side by side. The blocks free now are counted from sys._debugmallocstats (its
    `avail blocks` per size class, written to fd 2)."""
    r, w = os.pipe()
    saved = os.dup(2)
    try:
        os.dup2(w, 2)
        sys._debugmallocstats()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(w)
    text = b""
    while chunk := os.read(r, 65536):
        text += chunk
    os.close(r)
    keep = []
    for row in text.decode(errors="replace").split("\n"):
        cols = row.split()
        if len(cols) != 5 or not all(c.isdigit() for c in cols):
            continue
        size, avail = int(cols[1]), int(cols[4])
        # Objects of exactly that block size: a bytes of n bytes takes 33 + n, an int 28 (32).
        if size == 32:
            keep.extend(1 << 29 | i for i in range(avail))
        elif size >= 48:
            n = size - 33
            keep.extend(i.to_bytes(n, "little") for i in range(avail))
    return keep


def serve(path, guest_module):
    global guest
    guest = guest_module
    srv = unix_socket.listen(path)
    # Computers' pid 1 are adopted here when the child that forked them exits.
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # wakes the poll below (through wake_w)
    # The shared pages stay shared: the collector no longer walks (and writes to) what is here.
    import gc
    import shutil  # noqa: F401  (a computer's first boot copies its home with it: seed.py)
    gc.collect()
    global _filler
    _filler = fill_pools()
    gc.freeze()
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    poller = select.poll()
    computers = Computers(poller)
    for fd in (srv.fileno(), sys.stdin.fileno(), wake_r):
        poller.register(fd, select.POLLIN)
    while True:
        try:
            events = poller.poll()
        except InterruptedError:
            continue
        for fd, _ in events:
            if fd == sys.stdin.fileno():
                # The host closed our stdin (it stopped or died): so do we. Computers live on alone.
                os._exit(0)
            if fd == wake_r:
                os.read(wake_r, 512)
                computers.reap()
            elif fd == srv.fileno():
                accept(srv, computers, wake_r, wake_w)
            elif fd in computers.telling:
                computers.told(fd)


def accept(srv, computers, wake_r, wake_w):
    conn, _ = srv.accept()
    try:
        req = read_request(conn)
    except (OSError, ValueError, EOFError):
        conn.close()
        return
    tell_r, tell_w = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(tell_r)
        srv.close()
        try:
            computer(conn, req, tell_w, [wake_r, wake_w, *computers.held()])
        finally:
            os._exit(1)
    os.close(tell_w)
    computers.forked(child, tell_r, conn)
