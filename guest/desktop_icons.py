"""Icons on the desktop for the files in /home/user/Desktop; a double click opens one.

No file manager stays resident for this (pcmanfm's desktop mode costs about 10 MB in every
computer): a thread of the guest watches the folder with inotify, so nothing runs while
nothing changes, and shows each file as a small override-redirect window at the bottom of the
stack, drawn once by ImageMagick (as the desktop's user: file names are the user's input) on
the wallpaper's own colours. A double click opens the file as the user: folders in the file
manager, anything else with xdg-open.
"""
import os
import select
import struct
import subprocess
import sys
import threading
import time

import fswatch
import procs
import wallpaper
import xwire

FOLDER = "/home/user/Desktop"
W, H = 96, 84
GAP_X, GAP_Y, MARGIN = 8, 8, 12
PANEL = 34  # tint2rc's panel_size: icons stay above it
MAX_ICONS = 60
DOUBLE_CLICK_S = 0.4
BUTTON_PRESS = 4
CW_BACK_PIXMAP, CW_OVERRIDE_REDIRECT, CW_EVENT_MASK = 1 << 0, 1 << 9, 1 << 11
BUTTON_PRESS_MASK = 1 << 2
THEME = "/usr/share/icons/Adwaita/48x48"
KINDS = [  # (extensions, icon): the first match wins; folders and the rest are handled apart
    ((".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp"), "mimetypes/image-x-generic.png"),
    ((".html", ".htm"), "mimetypes/text-html.png"),
    ((".sh", ".py", ".js", ".ts", ".rb", ".pl"), "mimetypes/text-x-script.png"),
    ((".txt", ".md", ".csv", ".json", ".log", ".xml", ".yaml", ".yml", ".ini", ".conf"), "mimetypes/text-x-generic.png"),
    ((".mp3", ".wav", ".ogg", ".flac", ".m4a"), "mimetypes/audio-x-generic.png"),
    ((".mp4", ".mkv", ".webm", ".mov", ".avi"), "mimetypes/video-x-generic.png"),
    ((".zip", ".tar", ".gz", ".tgz", ".xz", ".bz2", ".7z", ".deb"), "mimetypes/package-x-generic.png"),
    ((".pdf",), "mimetypes/x-office-document.png"),
]
IN_MASK = (fswatch.IN_CREATE | fswatch.IN_DELETE | fswatch.IN_MOVED_FROM | fswatch.IN_MOVED_TO
           | fswatch.IN_DELETE_SELF | fswatch.IN_ATTRIB)


def icon_for(path):
    if os.path.isdir(path):
        return f"{THEME}/places/folder.png"
    lower = path.lower()
    for exts, icon in KINDS:
        if lower.endswith(exts) and os.path.exists(f"{THEME}/{icon}"):
            return f"{THEME}/{icon}"
    if os.access(path, os.X_OK):
        return f"{THEME}/mimetypes/application-x-executable.png"
    return f"{THEME}/mimetypes/application-x-generic.png"


def wrap(label, units=16):
    """Breaks words too long for the icon's width (ImageMagick's caption breaks only at spaces,
    and CJK names have none); a wide character counts double."""
    out, line = [], 0
    for word in label.split(" "):
        w = sum(2 if ord(c) > 0x2E7F else 1 for c in word)
        if line and line + 1 + w <= units:
            out.append(" ")
            line += 1
        elif line:
            out.append("\n")
            line = 0
        if w <= units:
            out.append(word)
            line += w
            continue
        for c in word:
            cw = 2 if ord(c) > 0x2E7F else 1
            if line + cw > units:
                out.append("\n")
                line = 0
            out.append(c)
            line += cw
    return "".join(out)


def hex_colour(rgb):
    return "#%02x%02x%02x" % rgb


class DesktopIcons:
    def __init__(self, reaper):
        self.reaper = reaper
        self.shown = {}  # name -> (window, pixmap, slot, icon)
        self.clicks = {}  # window -> time of its last press

    def start(self):
        threading.Thread(target=self._run, name="desktop-icons", daemon=True).start()

    def _run(self):
        try:
            self._loop()
        except (OSError, xwire.XError) as e:
            print(f"guest: desktop icons stopped: {e}", flush=True, file=sys.stderr)

    def _loop(self):
        self.x = x = xwire.Connection()
        if x.depth not in (16, 24, 32):
            return
        ino = fswatch.libc.inotify_init1(fswatch.IN_NONBLOCK | fswatch.IN_CLOEXEC)
        if ino < 0:
            raise OSError("inotify_init1 failed")
        home_wd = fswatch.libc.inotify_add_watch(ino, b"/home/user", fswatch.IN_CREATE | fswatch.IN_MOVED_TO | fswatch.IN_ONLYDIR)
        folder_wd = fswatch.libc.inotify_add_watch(ino, FOLDER.encode(), IN_MASK | fswatch.IN_ONLYDIR)
        # The screen's size (a viewer may change it): icons move into the new space and take the
        # wallpaper's new colours.
        x.select_input(x.root, xwire.STRUCTURE_NOTIFY_MASK)
        self._sync()
        while True:
            r, _, _ = select.select([x.sock, ino], [], [], None if not x.events else 0)
            if ino in r:
                time.sleep(0.05)  # a burst (a copy of many files) becomes one redraw
                try:
                    data = os.read(ino, 65536)
                except BlockingIOError:
                    data = b""
                if home_wd >= 0 and folder_wd < 0 or any(self._events(data, home_wd)):
                    folder_wd = fswatch.libc.inotify_add_watch(ino, FOLDER.encode(), IN_MASK | fswatch.IN_ONLYDIR)
                self._sync()
            while True:
                e = x.next_event(0)
                if e is None:
                    break
                kind = e[0] & 0x7F
                if kind == BUTTON_PRESS and e[1] == 1:  # the left button
                    self._pressed(struct.unpack_from("<I", e, 12)[0], struct.unpack_from("<I", e, 4)[0])
                elif kind == xwire.CONFIGURE_NOTIFY and struct.unpack_from("<I", e, 8)[0] == x.root:
                    size = struct.unpack_from("<HH", e, 20)
                    if size != (x.width, x.height):
                        x.width, x.height = size
                        for name in list(self.shown):
                            self._remove(name)
                        self._sync()

    @staticmethod
    def _events(data, home_wd):
        """Yields True for an event that (re)creates the Desktop folder itself."""
        off = 0
        while off < len(data):
            wd, mask, _cookie, length = fswatch.HEADER.unpack_from(data, off)
            name = data[off + fswatch.HEADER.size:off + fswatch.HEADER.size + length].rstrip(b"\0")
            off += fswatch.HEADER.size + length
            yield wd == home_wd and name == b"Desktop"

    def _names(self):
        try:
            names = sorted((n for n in os.listdir(FOLDER) if not n.startswith(".")), key=str.casefold)
        except OSError:
            return []
        return names[:MAX_ICONS]

    def _slot_xy(self, slot):
        per_column = max(1, (self.x.height - PANEL - MARGIN) // (H + GAP_Y))
        col, row = divmod(slot, per_column)
        return MARGIN + col * (W + GAP_X), MARGIN + row * (H + GAP_Y)

    def _sync(self):
        names = self._names()
        for name in [n for n in self.shown if n not in names]:
            self._remove(name)
        for slot, name in enumerate(names):
            icon = icon_for(os.path.join(FOLDER, name))
            old = self.shown.get(name)
            if old and old[2] == slot and old[3] == icon:
                continue
            if old:
                self._remove(name)
            pixels = self._render(name, icon, self._slot_xy(slot)[1])
            if pixels is not None:
                self._show(name, slot, icon, pixels)
        self.x.sync()

    def _render(self, name, icon, y):
        """The icon's pixels (BGRA, W x H) on the wallpaper's colours at its height."""
        top = wallpaper.colour_at(y, self.x.height)
        bottom = wallpaper.colour_at(y + H - 1, self.x.height)
        # Two lines of about 14 characters fit: a longer name keeps its start and its ending.
        label = name if len(name) <= 28 else name[:17] + "…" + name[-9:]
        # ImageMagick has no font fallback: a name beyond Latin, Greek and Cyrillic gets the
        # CJK face (which has Latin too).
        font = "Noto-Sans-CJK-JP" if any(ord(c) > 0x52F for c in label) else "DejaVu-Sans"
        label = wrap(label).replace("%", "%%")
        if label.startswith("@"):
            label = "\\" + label  # caption: would read a file named by the rest
        argv = ["/usr/bin/convert", "-size", f"{W}x{H}", f"gradient:{hex_colour(top)}-{hex_colour(bottom)}",
                "(", icon, "-resize", "48x48", ")", "-gravity", "north", "-geometry", "+0+4", "-composite",
                "(", "-size", f"{W - 6}x30", "-background", "none", "-fill", "#f2f5f8", "-font", font,
                "-pointsize", "10", "-gravity", "north", f"caption:{label}", ")",
                "-gravity", "north", "-geometry", "+0+54", "-composite", "-depth", "8", "bgra:-"]
        try:
            p = procs.spawn_user(self.reaper, argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            out = p.stdout.read()
            p.stdout.close()
            self.reaper.wait(p.pid, 10)
        except OSError:
            return None
        return out if len(out) == W * H * 4 else None

    def _show(self, name, slot, icon, bgra):
        x = self.x
        wx, wy = self._slot_xy(slot)
        pixmap, gc, window = x.new_id(), x.new_id(), x.new_id()
        x.request(53, struct.pack("<IIHH", pixmap, x.root, W, H), minor=x.depth, reply=False)  # CreatePixmap
        x.request(55, struct.pack("<III", gc, pixmap, 0), reply=False)  # CreateGC
        if x.depth == 16:
            data = bytearray()
            for i in range(0, len(bgra), 4):
                b, g, r = bgra[i], bgra[i + 1], bgra[i + 2]
                data += struct.pack("<H", (r >> 3) << 11 | (g >> 2) << 5 | b >> 3)
        else:
            data = bgra
        x.request(72, struct.pack("<IIHHhhBBxx", pixmap, gc, W, H, 0, 0, 0, x.depth) + bytes(data), minor=2, reply=False)
        x.request(60, struct.pack("<I", gc), reply=False)  # FreeGC
        # CreateWindow: a child of the root, override-redirect (the window manager leaves it
        # alone: no frame, no focus, no taskbar entry), its picture as its background.
        mask = CW_BACK_PIXMAP | CW_OVERRIDE_REDIRECT | CW_EVENT_MASK
        x.request(1, struct.pack("<IIhhHHHHIIIII", window, x.root, wx, wy, W, H, 0, 1, 0, mask, pixmap, 1, BUTTON_PRESS_MASK),
                  minor=0, reply=False)  # depth 0: the parent's; class InputOutput; visual CopyFromParent
        x.request(8, struct.pack("<I", window), reply=False)  # MapWindow
        x.request(12, struct.pack("<IHxxI", window, 1 << 6, 1), reply=False)  # ConfigureWindow: stack-mode Below (the bottom)
        self.shown[name] = (window, pixmap, slot, icon)

    def _remove(self, name):
        window, pixmap, _slot, _icon = self.shown.pop(name)
        self.x.request(4, struct.pack("<I", window), reply=False)  # DestroyWindow
        self.x.request(54, struct.pack("<I", pixmap), reply=False)  # FreePixmap
        self.clicks.pop(window, None)

    def _pressed(self, window, when_ms):
        name = next((n for n, v in self.shown.items() if v[0] == window), None)
        if name is None:
            return
        last = self.clicks.get(window)
        self.clicks[window] = when_ms
        if last is None or not 0 <= when_ms - last <= DOUBLE_CLICK_S * 1000:
            return
        self.clicks.pop(window, None)
        path = os.path.join(FOLDER, name)
        argv = ["pcmanfm", path] if os.path.isdir(path) else ["xdg-open", path]
        try:
            procs.spawn_user(self.reaper, argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except OSError:
            pass
