"""file_change events: inotify (through ctypes) on every folder under /home/user.

inotify does not recurse, so each folder gets its own watch, and folders created later are
added as they appear. Watches count against root's limit on the whole host (every computer's
guest is root there), hence the cap per computer. Writes are reported when the file is closed
(one event per save, not one per write(2)), and bursts on one path are coalesced.
"""
import ctypes
import os
import select
import struct
import threading
import time

libc = ctypes.CDLL(None, use_errno=True)
libc.inotify_add_watch.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]

IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE = 0x2, 0x4, 0x8
IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE, IN_DELETE = 0x40, 0x80, 0x100, 0x200
IN_DELETE_SELF, IN_Q_OVERFLOW, IN_IGNORED, IN_ISDIR = 0x400, 0x4000, 0x8000, 0x40000000
IN_ONLYDIR, IN_NONBLOCK, IN_CLOEXEC = 0x01000000, 0o4000, 0o2000000
MASK = IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_ONLYDIR
HEADER = struct.Struct("iIII")

MAX_WATCHES = 4096
COALESCE_S = 0.2
# At most this many file events a second (an `npm install` makes thousands); the rest of that
# second are counted and reported as one `overflow` with the count.
RATE = 500
ROOT = "/home/user"


class FileWatcher:
    """Starts and stops watching as subscribers come and go; each run has its own inotify fd."""

    def __init__(self, emit, root=ROOT):
        self.emit = emit
        self.root = root
        self._run = None

    @property
    def running(self):
        return self._run is not None

    def start(self):
        if not self._run:
            self._run = _Run(self.emit, self.root)

    def stop(self):
        if self._run:
            self._run.stop()
            self._run = None


class _Run:
    def __init__(self, emit, root):
        self.emit = emit
        self.root = root
        fd = libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        if fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        self.fd = fd
        self.paths = {}
        self.recent = {}
        self.moves = {}
        self.second, self.count, self.dropped = 0, 0, 0
        self._add_tree(root)
        self._stop_r, self._stop_w = os.pipe()
        threading.Thread(target=self._loop, name="fswatch", daemon=True).start()

    def stop(self):
        os.write(self._stop_w, b"x")
        os.close(self._stop_w)

    def _add(self, path):
        if len(self.paths) >= MAX_WATCHES:
            return False
        wd = libc.inotify_add_watch(self.fd, os.fsencode(path), MASK)
        if wd >= 0:
            self.paths[wd] = path
        return wd >= 0

    def _add_tree(self, top, report=False):
        """Watches `top` and every folder below it. For a folder that just appeared, what was
        created inside it before its watch existed (`mkdir -p a/b && touch a/b/f`) is reported
        here, since inotify never will."""
        for dirpath, dirnames, filenames in os.walk(top):
            # Symlinked folders are not followed (os.walk's default): they may point anywhere.
            if not self._add(dirpath):
                dirnames[:] = []
            if report:
                for name in dirnames:
                    self._report(os.path.join(dirpath, name), "created", True)
                for name in filenames:
                    self._report(os.path.join(dirpath, name), "created", False)

    def _loop(self):
        fd, stop_r = self.fd, self._stop_r
        try:
            while True:
                r, _, _ = select.select([fd, stop_r], [], [], 1.0 if self.dropped else None)
                if stop_r in r:
                    return
                if not r:
                    self._flush()
                    continue
                try:
                    data = os.read(fd, 65536)
                except BlockingIOError:
                    continue
                self._parse(data)
        finally:
            os.close(fd)
            os.close(stop_r)

    def _parse(self, data):
        off = 0
        while off < len(data):
            wd, mask, cookie, length = HEADER.unpack_from(data, off)
            name = data[off + HEADER.size:off + HEADER.size + length].rstrip(b"\0").decode("utf-8", "surrogateescape")
            off += HEADER.size + length
            if mask & IN_Q_OVERFLOW:
                self.emit("file_change", {"path": self.root, "action": "overflow", "is_dir": True})
                continue
            if mask & IN_IGNORED:
                self.paths.pop(wd, None)
                continue
            folder = self.paths.get(wd)
            if folder is None:
                continue
            path = os.path.join(folder, name) if name else folder
            is_dir = bool(mask & IN_ISDIR)
            if mask & IN_CREATE:
                self._report(path, "created", is_dir)
                if is_dir:
                    self._add_tree(path, report=True)
            elif mask & IN_CLOSE_WRITE:
                self._report(path, "modified", is_dir)
            elif mask & IN_DELETE:
                self._report(path, "deleted", is_dir)
            elif mask & IN_MOVED_FROM:
                self.moves[cookie] = path
                self._report(path, "moved_from", is_dir)
            elif mask & IN_MOVED_TO:
                source = self.moves.pop(cookie, None)
                self._report(path, "moved_to", is_dir, {"from": _shown(source)} if source else None)
                if is_dir:
                    self._add_tree(path)

    def _flush(self):
        if self.dropped:
            self.emit("file_change", {"path": self.root, "action": "overflow", "is_dir": True, "dropped": self.dropped})
            self.dropped = 0

    def _report(self, path, action, is_dir, extra=None):
        now = time.monotonic()
        key = (path, action)
        if now - self.recent.get(key, -1) < COALESCE_S:
            return
        self.recent[key] = now
        if len(self.recent) > 2048:
            self.recent = {k: t for k, t in self.recent.items() if now - t < COALESCE_S}
        if int(now) != self.second:
            self._flush()
            self.second, self.count = int(now), 0
        if self.count >= RATE:
            self.dropped += 1
            return
        self.count += 1
        data = {"path": _shown(path), "action": action, "is_dir": is_dir}
        if extra:
            data.update(extra)
        self.emit("file_change", data)


def _shown(path):
    """A file name as text: names that are not UTF-8 show replacement characters."""
    return os.fsencode(path).decode("utf-8", "replace")
