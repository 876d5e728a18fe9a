"""A small X11 protocol client, Python stdlib only (python3-xlib is not on every host).

Just what the guest's watchers need: atoms, properties, event masks on the root window, and the
XFIXES (selection owner changes, regions), DAMAGE (screen changes) and MIT-SCREEN-SAVER (input
idle time) extensions. One thread owns a connection: requests wait for their reply and park the
events that arrive meanwhile, which `next_event` hands out afterwards.
"""
import collections
import select
import socket
import struct

PROPERTY_CHANGE_MASK = 1 << 22
STRUCTURE_NOTIFY_MASK = 1 << 17
CW_EVENT_MASK = 1 << 11
CONFIGURE_NOTIFY, PROPERTY_NOTIFY = 22, 28
ANY_PROPERTY_TYPE = 0


class XError(Exception):
    pass


def _pad(n):
    return (4 - n % 4) % 4


class Connection:
    def __init__(self, path="/tmp/.X11-unix/X1", timeout=5.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        # Little-endian, protocol 11.0, no authorization: the socket itself is the access control.
        self.sock.sendall(struct.pack("<BxHHHHxx", 0x6C, 11, 0, 0, 0))
        head = self._recv(8)
        if head[0] != 1:
            reason = self._recv(struct.unpack_from("<H", head, 6)[0] * 4)[: head[1]]
            raise XError(f"X server refused the connection: {reason.decode(errors='replace')}")
        body = self._recv(struct.unpack_from("<H", head, 6)[0] * 4)
        self.rid_base, self.rid_mask = struct.unpack_from("<II", body, 4)
        vendor_len, _max_req, _screens, formats = struct.unpack_from("<HHBB", body, 16)
        screen = 32 + vendor_len + _pad(vendor_len) + 8 * formats
        self.root = struct.unpack_from("<I", body, screen)[0]
        self.width, self.height = struct.unpack_from("<HH", body, screen + 20)
        self.depth = body[screen + 38]
        self.sock.settimeout(None)
        self.seq = 0
        self.next_rid = 0
        self.events = collections.deque()
        self.extensions = {}
        self._atoms = {}
        self._names = {}

    def fileno(self):
        return self.sock.fileno()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def new_id(self):
        self.next_rid += 1
        return self.rid_base | (self.next_rid & self.rid_mask)

    # --- wire -------------------------------------------------------------------------------

    def _recv(self, n):
        buf = bytearray()
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise XError("the X server closed the connection")
            buf += chunk
        return bytes(buf)

    def _send(self, opcode, data=b"", minor=0):
        """Sends one request; `minor` fills the second byte (an extension's request or a flag)."""
        data += b"\0" * _pad(len(data))
        self.sock.sendall(struct.pack("<BBH", opcode, minor, 1 + len(data) // 4) + data)
        self.seq = (self.seq + 1) & 0xFFFF
        return self.seq

    def _read_packet(self):
        p = self._recv(32)
        if p[0] == 1 or p[0] & 0x7F == 35:  # a reply, or a generic event: both carry a length
            extra = struct.unpack_from("<I", p, 4)[0] * 4
            if extra:
                p += self._recv(extra)
        return p

    def request(self, opcode, data=b"", minor=0, reply=True):
        seq = self._send(opcode, data, minor)
        if not reply:
            return None
        while True:
            p = self._read_packet()
            kind, pseq = p[0], struct.unpack_from("<H", p, 2)[0]
            if kind == 0 and pseq == seq:
                raise XError(f"X error {p[1]} on request {opcode}/{minor}")
            if kind == 1 and pseq == seq:
                return p
            if kind > 1:
                self.events.append(p)
            # Errors of earlier requests sent without a reply (a window gone meanwhile): ignored.

    def sync(self):
        """Round trip: every request before it has been processed (its errors arrived)."""
        self.request(43)  # GetInputFocus

    def next_event(self, timeout):
        """The next event, or None after `timeout` seconds (0 polls)."""
        if self.events:
            return self.events.popleft()
        r, _, _ = select.select([self.sock], [], [], timeout)
        if not r:
            return None
        while True:
            p = self._read_packet()
            if p[0] > 1:
                return p
            # Errors and stray replies are not events.
            if not self._pending():
                return None

    def _pending(self):
        r, _, _ = select.select([self.sock], [], [], 0)
        return bool(r)

    # --- core requests ----------------------------------------------------------------------

    def atom(self, name):
        if name not in self._atoms:
            b = name.encode()
            r = self.request(16, struct.pack("<HH", len(b), 0) + b)
            self._atoms[name] = struct.unpack_from("<I", r, 8)[0]
            self._names[self._atoms[name]] = name
        return self._atoms[name]

    def select_input(self, window, mask):
        self.request(2, struct.pack("<III", window, CW_EVENT_MASK, mask), reply=False)

    def get_property(self, window, prop, type_=ANY_PROPERTY_TYPE, max_bytes=65536):
        """(type, format, value bytes), or None when the window is gone or has no such property."""
        try:
            r = self.request(20, struct.pack("<IIIII", window, self.atom(prop) if isinstance(prop, str) else prop,
                                             type_, 0, (max_bytes + 3) // 4))
        except XError:
            return None
        fmt, ptype, n = r[1], struct.unpack_from("<I", r, 8)[0], struct.unpack_from("<I", r, 16)[0]
        if ptype == 0:
            return None
        return ptype, fmt, r[32:32 + n * (fmt // 8)]

    def windows(self, window, prop):
        v = self.get_property(window, prop)
        if not v or v[1] != 32:
            return []
        return list(struct.unpack(f"<{len(v[2]) // 4}I", v[2]))

    def text(self, window, *props):
        """The first of `props` that the window has, as text (UTF-8 or Latin-1 per its type)."""
        for prop in props:
            v = self.get_property(window, prop, max_bytes=4096)
            if v and v[1] == 8:
                raw = v[2]
                return raw.decode("utf-8" if v[0] == self.atom("UTF8_STRING") else "latin-1", "replace")
        return None

    # --- extensions -------------------------------------------------------------------------

    def extension(self, name):
        """(major opcode, first event) of an extension the server has; XError if it has not."""
        if name not in self.extensions:
            b = name.encode()
            r = self.request(98, struct.pack("<HH", len(b), 0) + b)
            if not r[8]:
                raise XError(f"the X server has no {name} extension")
            self.extensions[name] = (r[9], r[10])
        return self.extensions[name]

    def xfixes_init(self):
        op, ev = self.extension("XFIXES")
        self.request(op, struct.pack("<II", 5, 0), minor=0)  # QueryVersion: required before use
        return op, ev

    def damage_init(self):
        op, ev = self.extension("DAMAGE")
        self.request(op, struct.pack("<II", 1, 1), minor=0)
        return op, ev

    def screensaver_idle_ms(self):
        """Milliseconds since the last user input on the display (MIT-SCREEN-SAVER QueryInfo)."""
        op, _ = self.extension("MIT-SCREEN-SAVER")
        r = self.request(op, struct.pack("<I", self.root), minor=1)
        return struct.unpack_from("<I", r, 16)[0]
