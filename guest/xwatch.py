"""Events that come from the X display: windows opened, closed and focused (the window manager's
_NET_CLIENT_LIST and _NET_ACTIVE_WINDOW on the root window), clipboard owner changes (XFIXES),
screen changes (DAMAGE, rate-limited), input activity (MIT-SCREEN-SAVER idle time), and the
screen's size, which a VNC viewer can change (RFB SetDesktopSize → RandR → ConfigureNotify).

One thread, one X connection for the computer's whole life; the sources a subscriber does not
want cost nothing (no damage object, no selection input, no idle polling).
"""
import os
import select
import struct
import threading
import time

import xwire

SCREEN_CHANGE_INTERVAL = 0.25  # at most 4 screen_change events a second
IDLE_POLL = 0.25
DAMAGE_NON_EMPTY = 3


class XWatcher:
    def __init__(self, emit, on_resize, on_clipboard):
        """emit(event_type, data); on_resize(width, height, depth); on_clipboard(owner) -> None."""
        self.emit = emit
        self.on_resize = on_resize
        self.on_clipboard = on_clipboard
        self.wanted = set()
        self._lock = threading.Lock()
        self._applied = threading.Condition(self._lock)
        self._generation = 0
        self._applied_generation = 0
        self._wake_r, self._wake_w = os.pipe()
        self.x = None

    def start(self):
        threading.Thread(target=self._run, name="xwatch", daemon=True).start()

    def want(self, types, timeout=2.0):
        """Changes the wanted sources; returns once the X thread has armed them."""
        with self._lock:
            self.wanted = set(types)
            self._generation += 1
            generation = self._generation
        os.write(self._wake_w, b"w")
        with self._lock:
            self._applied.wait_for(lambda: self._applied_generation >= generation or self.x is False, timeout)

    # --- the thread ---------------------------------------------------------------------------

    def _run(self):
        try:
            self._loop()
        except (OSError, xwire.XError):
            pass  # the display is gone: the computer is ending
        with self._lock:
            self.x = False
            self._applied.notify_all()

    def _loop(self):
        x = self.x = xwire.Connection()
        self.xfixes_op, xfixes_ev = x.xfixes_init()
        self.damage_op, damage_ev = x.damage_init()
        self.selection_event = xfixes_ev
        self.damage_event = damage_ev
        x.select_input(x.root, xwire.PROPERTY_CHANGE_MASK | xwire.STRUCTURE_NOTIFY_MASK)
        self.size = (x.width, x.height)
        self.clients = {w: self._describe(w) for w in x.windows(x.root, "_NET_CLIENT_LIST")}
        self.active = self._active()
        self.active_sources = set()
        self.damage = None
        self.damage_region = None
        self.damage_due = None  # when a rate-limited screen_change may be reported
        self.next_screen_change = 0.0
        self.last_input = None
        self.next_idle_poll = 0.0
        self.atoms = {n: x.atom(n) for n in ("_NET_CLIENT_LIST", "_NET_ACTIVE_WINDOW", "CLIPBOARD")}
        x.sync()

        while True:
            self._apply_wanted()
            now = time.monotonic()
            deadlines = [d for d in (self.damage_due, self.next_idle_poll if self.last_input is not None else None) if d]
            timeout = max(0.0, min(deadlines) - now) if deadlines else None
            if not x.events:
                r, _, _ = select.select([x.sock, self._wake_r], [], [], timeout)
                if self._wake_r in r:
                    os.read(self._wake_r, 64)
            while True:
                e = x.next_event(0)
                if e is None:
                    break
                self._on_event(e)
            now = time.monotonic()
            if self.damage_due and now >= self.damage_due:
                self._report_damage()
            if self.last_input is not None and now >= self.next_idle_poll:
                self._poll_idle(now)

    def _apply_wanted(self):
        with self._lock:
            wanted = set(self.wanted)
            generation = self._generation
        if generation == self._applied_generation and wanted == self.active_sources:
            return
        x = self.x
        if ("clipboard" in wanted) != ("clipboard" in self.active_sources):
            mask = 1 if "clipboard" in wanted else 0  # SetSelectionOwnerNotifyMask
            x.request(self.xfixes_op, struct.pack("<III", x.root, self.atoms["CLIPBOARD"], mask), minor=2, reply=False)
        if "screen_change" in wanted and self.damage is None:
            self.damage = x.new_id()
            self.damage_region = x.new_id()
            x.request(self.xfixes_op, struct.pack("<I", self.damage_region), minor=5, reply=False)  # CreateRegion
            x.request(self.damage_op, struct.pack("<IIB3x", self.damage, x.root, DAMAGE_NON_EMPTY), minor=1, reply=False)
        elif "screen_change" not in wanted and self.damage is not None:
            x.request(self.damage_op, struct.pack("<I", self.damage), minor=2, reply=False)  # Destroy
            x.request(self.xfixes_op, struct.pack("<I", self.damage_region), minor=10, reply=False)
            self.damage = self.damage_region = self.damage_due = None
        wants_idle = bool(wanted & {"idle", "active"})
        if wants_idle and self.last_input is None:
            idle = x.screensaver_idle_ms()
            self.last_input = time.monotonic() - idle / 1000
            self.emit("input", {"idle_ms": idle})
            self.next_idle_poll = time.monotonic() + IDLE_POLL
        elif not wants_idle:
            self.last_input = None
        self.active_sources = wanted
        x.sync()  # armed on the server, not just sent
        with self._lock:
            self._applied_generation = generation
            self._applied.notify_all()

    def _on_event(self, e):
        kind = e[0] & 0x7F
        x = self.x
        if kind == xwire.PROPERTY_NOTIFY:
            window, atom = struct.unpack_from("<II", e, 4)
            if window != x.root:
                return
            if atom == self.atoms["_NET_CLIENT_LIST"]:
                self._clients_changed()
            elif atom == self.atoms["_NET_ACTIVE_WINDOW"]:
                active = self._active()
                if active and active != self.active:
                    info = self.clients.get(active) or self._describe(active)
                    self.emit("window_focus", info)
                self.active = active
        elif kind == xwire.CONFIGURE_NOTIFY:
            window = struct.unpack_from("<I", e, 8)[0]
            if window == x.root:
                size = struct.unpack_from("<HH", e, 20)
                if size != self.size:
                    self.size = size
                    self.on_resize(size[0], size[1], x.depth)
        elif kind == self.selection_event:
            owner, selection = struct.unpack_from("<II", e, 8)
            if selection == self.atoms["CLIPBOARD"] and "clipboard" in self.active_sources:
                self.on_clipboard(owner)
        elif kind == self.damage_event and self.damage is not None:
            if self.damage_due is None:
                self.damage_due = max(time.monotonic(), self.next_screen_change)

    def _clients_changed(self):
        now = self.x.windows(self.x.root, "_NET_CLIENT_LIST")
        for w in now:
            if w not in self.clients:
                self.clients[w] = self._describe(w)
                self.emit("window_open", self.clients[w])
        for w in [w for w in self.clients if w not in now]:
            self.emit("window_close", self.clients.pop(w))

    def _active(self):
        ws = self.x.windows(self.x.root, "_NET_ACTIVE_WINDOW")
        return ws[0] if ws else 0

    def _describe(self, window):
        x = self.x
        cls = x.get_property(window, "WM_CLASS", max_bytes=512)
        parts = cls[2].decode("latin-1").split("\0") if cls else []
        pid = x.windows(window, "_NET_WM_PID")  # a CARDINAL list: the same wire shape
        return {
            "window_id": window,
            "title": x.text(window, "_NET_WM_NAME", "WM_NAME") or "",
            "app": parts[1] if len(parts) > 1 else (parts[0] if parts else ""),
            "pid": pid[0] if pid else None,
        }

    def _report_damage(self):
        x = self.x
        # Moves the damage so far into our region (the damage object is empty again and will
        # notify anew), then reads the region's bounding box.
        x.request(self.damage_op, struct.pack("<III", self.damage, 0, self.damage_region), minor=3, reply=False)
        r = x.request(self.xfixes_op, struct.pack("<I", self.damage_region), minor=19)
        ex, ey, ew, eh = struct.unpack_from("<hhHH", r, 8)
        n = (len(r) - 32) // 8
        now = time.monotonic()
        self.damage_due = None
        self.next_screen_change = now + SCREEN_CHANGE_INTERVAL
        if ew and eh:
            self.emit("screen_change", {"x": ex, "y": ey, "width": ew, "height": eh, "regions": n,
                                        "screen_width": x.width if self.size is None else self.size[0],
                                        "screen_height": x.height if self.size is None else self.size[1]})

    def _poll_idle(self, now):
        idle = self.x.screensaver_idle_ms()
        last = now - idle / 1000
        # The idle counter restarts at each input; a later "last input" than we knew means input.
        if last > self.last_input + 0.02:
            self.emit("input", {"idle_ms": idle})
        self.last_input = last
        self.next_idle_poll = now + IDLE_POLL
