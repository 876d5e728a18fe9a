"""Waits, without polling, until the window manager holds the screen.

Openbox sets _NET_SUPPORTING_WM_CHECK on the root window once it has the screen (the WM_S0
selection and substructure redirect on the root): from then on a window that maps is managed
and focused. Before it, a window mapped by the first action stays unmanaged and unfocused and
the keys typed next go nowhere. The guest tells the host (`session` event), and the host holds
actions until then (host/runtime/desktop.ts `settled`), so `running` need not wait for it.
"""
import struct
import time

import xwire

PROP = "_NET_SUPPORTING_WM_CHECK"


def wait(timeout, path="/tmp/.X11-unix/X1"):
    """True once the property is on the root window; False after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    x = xwire.Connection(path)
    try:
        atom = x.atom(PROP)
        # Selected before looking: a property set between the two is still seen as an event.
        x.select_input(x.root, xwire.PROPERTY_CHANGE_MASK)
        if x.windows(x.root, PROP):
            return True
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            e = x.next_event(left)
            if e is not None and e[0] & 0x7F == xwire.PROPERTY_NOTIFY and struct.unpack_from("<I", e, 8)[0] == atom:
                if x.windows(x.root, PROP):
                    return True
    finally:
        x.close()
