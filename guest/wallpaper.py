"""The desktop's wallpaper: a vertical gradient, painted as the root window's background.

The background is a pixmap one pixel wide and as tall as the screen, which the X server tiles
across: a few kB of the server's memory where a full-screen picture would cost 3.6 MB in every
computer (1280x720, 32 bits a pixel), and nothing runs afterwards (no feh or pcmanfm resident).
Painted again when the screen's size changes, so the gradient always spans it. At depth 8 the
server's plain background stays.
"""
import struct

import xwire

TOP = (0x2E, 0x55, 0x7F)
BOTTOM = (0x0F, 0x1B, 0x2A)
CW_BACK_PIXMAP = 1


def colour_at(y, height):
    """The gradient's colour at row y of a screen `height` rows tall."""
    t = min(1.0, max(0.0, y / max(1, height - 1)))
    return tuple(round(a + (z - a) * t) for a, z in zip(TOP, BOTTOM))


def column(height, depth):
    """The gradient's pixels, top to bottom, one 32-bit scanline each (ZPixmap): BGRX at depth
    24 and 32, RGB 5-6-5 and two bytes of padding at depth 16."""
    out = bytearray()
    for y in range(height):
        r, g, b = colour_at(y, height)
        if depth == 16:
            out += struct.pack("<HH", (r >> 3) << 11 | (g >> 2) << 5 | b >> 3, 0)
        else:
            out += bytes((b, g, r, 0))
    return bytes(out)


def paint(path="/tmp/.X11-unix/X1"):
    x = xwire.Connection(path)
    try:
        if x.depth not in (16, 24, 32):
            return  # depth 8 (a colour map, not true colour): the server's plain background stays
        height = x.height
        pixmap, gc = x.new_id(), x.new_id()
        x.request(53, struct.pack("<IIHH", pixmap, x.root, 1, height), minor=x.depth, reply=False)  # CreatePixmap
        x.request(55, struct.pack("<III", gc, pixmap, 0), reply=False)  # CreateGC
        # PutImage, ZPixmap, in pieces under the 256 kB a request may carry at most.
        rows = 16384
        data = column(height, x.depth)
        for y in range(0, height, rows):
            n = min(rows, height - y)
            x.request(72, struct.pack("<IIHHhhBBxx", pixmap, gc, 1, n, 0, y, 0, x.depth) + data[y * 4:(y + n) * 4],
                      minor=2, reply=False)
        x.request(2, struct.pack("<III", x.root, CW_BACK_PIXMAP, pixmap), reply=False)  # ChangeWindowAttributes
        x.request(61, struct.pack("<IhhHH", x.root, 0, 0, 0, 0), reply=False)  # ClearArea: repaint now
        # The root keeps its own reference: the pixmap outlives this connection.
        x.request(54, struct.pack("<I", pixmap), reply=False)
        x.request(60, struct.pack("<I", gc), reply=False)
        x.sync()
    finally:
        x.close()
