"""Starting the desktop user's commands with posix_spawn from a thread that is the user.

Why: `subprocess.Popen(user=1000, ...)` cannot use vfork (CPython refuses it when the child
must change its ids), so every `bash` action forked the whole guest, changed ids in the child,
closed its descriptors and waited on an error pipe: measured here about 8 ms more than the same
bash started by a shell. posix_spawn (a vfork-style clone) costs about 2 ms, but cannot change
ids or the working folder. So one thread of the guest becomes the user for good: its own
credentials (raw setgroups/setresgid/setresuid syscalls change only the calling thread; glibc's
wrappers would change every thread) and its own working folder (unshare(CLONE_FS)), and spawns
on request. A spawned process inherits that thread's ids, groups and folder; it is still a
child of the guest, reaped as before. The thread runs nothing but spawns.

Where any of this is not available (another architecture, a refused syscall), `spawner()`
answers None and callers use Popen as before.
"""
import ctypes
import os
import platform
import queue
import signal
import threading

# (setgroups, setresuid, setresgid) by machine.
_SYSCALLS = {"x86_64": (116, 117, 119), "aarch64": (159, 147, 149)}
CLONE_FS = 0x200
# Signals the guest ignores or handles: a command starts with them at their defaults, as Popen's
# restore_signals gives (SIGPIPE and SIGXFSZ) and then some.
_DEFAULTS = {signal.SIGPIPE, signal.SIGXFSZ, signal.SIGHUP, signal.SIGINT, signal.SIGQUIT, signal.SIGTERM,
             signal.SIGUSR1, signal.SIGUSR2, signal.SIGCHLD}


class UserSpawner:
    def __init__(self, uid, gid, groups, cwd):
        self._requests = queue.SimpleQueue()
        self._started = threading.Event()
        self._error = None
        threading.Thread(target=self._loop, args=(uid, gid, groups, cwd), daemon=True, name="user-spawn").start()
        self._started.wait(5)
        if not self._started.is_set() and self._error is None:
            self._error = OSError("the user's spawning thread did not start")

    @property
    def ok(self):
        return self._error is None

    def spawn(self, argv, env, stdout_fd):
        """Starts argv (stdin /dev/null, stdout and stderr to `stdout_fd`) in a session of its own; answers its pid."""
        done = threading.Event()
        box = []
        self._requests.put((argv, env, stdout_fd, _inherited(stdout_fd), box, done))
        done.wait()
        if isinstance(box[0], BaseException):
            raise box[0]
        return box[0]

    def _loop(self, uid, gid, groups, cwd):
        try:
            _become(uid, gid, groups, cwd)
        except BaseException as e:  # noqa: BLE001: any failure means "use Popen"
            self._error = e
            self._started.set()
            return
        self._started.set()
        while True:
            argv, env, fd, closing, box, done = self._requests.get()
            try:
                box.append(os.posix_spawnp(argv[0], argv, env, file_actions=[
                    (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
                    (os.POSIX_SPAWN_DUP2, fd, 1),
                    (os.POSIX_SPAWN_DUP2, fd, 2),
                    *[(os.POSIX_SPAWN_CLOSE, n) for n in closing],
                ], setsid=True, setsigmask=(), setsigdef=_DEFAULTS))
            except BaseException as e:  # noqa: BLE001: handed to the caller
                box.append(e)
            done.set()


def _inherited(keep):
    """The guest's descriptors above 2 that a spawned process would inherit (not close-on-exec),
    to be closed in it as Popen's close_fds did. Read here, by a thread that is still root: the
    user's thread may not look into /proc/self/fd of a root process."""
    out = []
    for name in os.listdir("/proc/self/fd"):
        n = int(name)
        if n > 2 and n != keep:
            try:
                if os.get_inheritable(n):
                    out.append(n)
            except OSError:
                pass  # the listing's own descriptor, already closed
    return out


def _become(uid, gid, groups, cwd):
    nums = _SYSCALLS.get(platform.machine())
    if nums is None:
        raise OSError(f"no syscall numbers for {platform.machine()}")
    setgroups, setresuid, setresgid = nums
    with open("/proc/self/status") as f:
        leader_before = [line for line in f.read().split("\n") if line.startswith("Uid:")]
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long

    def check(r, what):
        if r != 0:
            e = ctypes.get_errno()
            raise OSError(e, f"{what}: {os.strerror(e)}")

    check(libc.unshare(CLONE_FS), "unshare(CLONE_FS)")
    os.chdir(cwd)  # this thread's own folder from here on
    arr = (ctypes.c_uint * len(groups))(*groups)
    check(libc.syscall(ctypes.c_long(setgroups), ctypes.c_long(len(groups)), arr), "setgroups")
    check(libc.syscall(ctypes.c_long(setresgid), ctypes.c_long(gid), ctypes.c_long(gid), ctypes.c_long(gid)), "setresgid")
    check(libc.syscall(ctypes.c_long(setresuid), ctypes.c_long(uid), ctypes.c_long(uid), ctypes.c_long(uid)), "setresuid")
    # Only this thread changed: make sure, so that a kernel that shares credentials fails here.
    with open("/proc/thread-self/status") as f:
        status = f.read()
    if f"\nUid:\t{uid}\t{uid}\t{uid}\t{uid}\n" not in status:
        raise OSError("this thread's ids did not change")
    with open("/proc/self/status") as f:  # the process's main thread: unchanged
        if [line for line in f.read().split("\n") if line.startswith("Uid:")] != leader_before:
            raise OSError("the ids of the whole process changed")


_lock = threading.Lock()
_spawner = None
_tried = False


def spawner(uid, gid, groups, cwd):
    """The process's one UserSpawner, started on first use; None where it cannot work."""
    global _spawner, _tried
    with _lock:
        if not _tried:
            _tried = True
            s = UserSpawner(uid, gid, groups, cwd)
            _spawner = s if s.ok else None
        return _spawner
