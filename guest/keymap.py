"""The keyboard's extra characters (accented letters, punctuation), put on the display by the
guest itself before it says `ready` and before any application starts.

The host works out which spare keycodes get which keysyms (host/x11/preload.ts) from the first
computer it starts, and hands that plan to every later one in ORGO_KEYMAP: the digest of the
mapping it was made for, and the ChangeKeyboardMapping requests. Xvnc starts with the same
mapping every time, so the plan fits; if this display's mapping differs (another Xvnc), nothing
is changed here and the host puts the characters on itself, as it does for its first computer.
Done here it costs one round trip on a local socket instead of the host's own X connection.
"""
import hashlib
import json

import xwire


def preload(plan_json, path="/tmp/.X11-unix/X1"):
    """'applied', or why not ('differs'): the host does it then."""
    plan = json.loads(plan_json)
    x = xwire.Connection(path)
    try:
        per, raw = x.keyboard_mapping()
        if per != plan["keysyms_per_keycode"] or hashlib.sha256(raw).hexdigest() != plan["digest"]:
            return "differs"
        for change in plan["changes"]:
            x.change_keyboard_mapping(change["first"], per, [k for row in change["rows"] for k in row])
        x.sync()
        return "applied"
    finally:
        x.close()
