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
computer's outermost process, the one to signal and whose namespaces are the computer's. When
the computer ends, that process writes {"event": "ended", "code": C, "signal": S} and exits.

What `unshare --mount --uts --ipc --pid [--net] --fork --kill-child` did is done here in the
same order with the same system calls: the forked child joins the computer's cgroups, becomes
its own session and process group, unshares the namespaces, and forks the computer's pid 1,
which dies with it (PR_SET_PDEATHSIG). This process never runs threads, so forking it is safe.
"""
import ctypes
import json
import os
import signal
import sys

import unix_socket


guest = None  # guest.py's module, which has imported every module of the guest: serve() sets it
CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWPID, CLONE_NEWNET = 0x20000000, 0x40000000
PR_SET_PDEATHSIG = 1
CGROUP_FAILED = 111  # as the host's spawn path reports a failed join (host/runtime/desktop.ts)

libc = ctypes.CDLL(None, use_errno=True)


def line(conn, obj):
    conn.sendall((json.dumps(obj) + "\n").encode())


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


def computer(conn, req):
    """The forked child: the computer's outermost process. Never returns."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    # The zygote's pipes to the host are not the computer's business.
    null = os.open("/dev/null", os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.close(null)
    try:
        for path in req.get("cgroup_procs", []):
            with open(path, "w") as f:
                f.write(str(os.getpid()))
    except OSError:
        line(conn, {"event": "ended", "code": CGROUP_FAILED, "signal": None})
        os._exit(CGROUP_FAILED)
    os.setsid()
    flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | (CLONE_NEWNET if req.get("net") else 0)
    if libc.unshare(flags) != 0:
        err = ctypes.get_errno()
        line(conn, {"event": "exit", "reason": f"could not start the sandbox: unshare: {os.strerror(err)}"})
        line(conn, {"event": "ended", "code": 1, "signal": None})
        os._exit(1)
    line(conn, {"event": "spawned", "pid": os.getpid()})
    pid = os.fork()
    if pid == 0:
        guest_main(conn, req)
    conn_fd = conn.detach()  # the guest speaks on it now; this process only reports the end
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except InterruptedError:
            continue
    end = {"event": "ended", "code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
           "signal": signal.Signals(os.WTERMSIG(status)).name if os.WIFSIGNALED(status) else None}
    try:
        os.write(conn_fd, (json.dumps(end) + "\n").encode())
    except OSError:
        pass
    os._exit(0)


def guest_main(conn, req):
    """The computer's pid 1: the guest, on the connection as its stdin and stdout."""
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    fd = conn.fileno()
    os.dup2(fd, 0)
    os.dup2(fd, 1)
    log = os.open(req["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
    os.dup2(log, 2)
    os.close(log)
    conn.close()
    os.environ.clear()
    os.environ.update(req["env"])
    sys.stdin = open(0, "r", encoding="utf-8", closefd=False)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
    sys.stderr = open(2, "w", encoding="utf-8", closefd=False, buffering=1)
    try:
        guest.main()
    except Exception as e:
        guest.send({"event": "exit", "reason": f"the computer could not start: {e}"})
    os._exit(1)


def serve(path, guest_module):
    global guest
    guest = guest_module
    srv = unix_socket.listen(path)
    # The computers' outermost processes are reaped by the kernel: nothing here waits for them.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    # The shared pages stay shared: the collector no longer walks (and writes to) what is here.
    import gc
    gc.collect()
    gc.freeze()
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    import select
    while True:
        readable, _, _ = select.select([srv, sys.stdin], [], [])
        if sys.stdin in readable:
            # The host closed our stdin (it stopped or died): so do we. Computers live on alone.
            os._exit(0)
        conn, _ = srv.accept()
        try:
            req = read_request(conn)
        except (OSError, ValueError, EOFError):
            conn.close()
            continue
        if os.fork() == 0:
            srv.close()
            try:
                computer(conn, req)
            finally:
                os._exit(1)
        conn.close()

