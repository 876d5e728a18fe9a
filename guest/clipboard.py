"""The desktop's clipboard (the X CLIPBOARD selection), read and written as the desktop's user.

xclip does the selection protocol (including INCR transfers of large text); when it writes, it
stays in the background as the selection's owner until something else takes the clipboard,
exactly as a desktop application would. Xvnc forwards the same selection to VNC viewers (noVNC's
clipboard), so API, viewers and applications all see one clipboard. Text is UTF-8 throughout.
"""
import subprocess
import time

import procs

MAX_TEXT = 4 * 1024 * 1024


def read(reaper, timeout=3.0):
    """The clipboard's text, '' when it is empty or holds no text."""
    r = procs.run_as_user(reaper, ["xclip", "-o", "-selection", "clipboard", "-target", "UTF8_STRING"], timeout)
    if r["timed_out"]:
        raise TimeoutError("the clipboard's owner did not answer")
    # xclip fails when nothing owns the clipboard or the owner has no text for it.
    return r["output"] if r["exit_code"] == 0 else ""


def write(reaper, text):
    data = text.encode("utf-8")
    if len(data) > MAX_TEXT:
        raise ValueError(f"clipboard text is limited to {MAX_TEXT // (1024 * 1024)} MB")
    # xclip forks an owner that serves the text and exits; the owner takes the selection a
    # moment later, so the write is confirmed by reading the text back.
    p = procs.spawn_user(reaper, ["xclip", "-i", "-selection", "clipboard", "-target", "UTF8_STRING"],
                         stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        p.stdin.write(data)
        p.stdin.close()
    except BrokenPipeError:
        pass
    status = reaper.wait(p.pid, 5)
    if status is None or procs.exit_code(status) != 0:
        raise RuntimeError("xclip could not take the clipboard")
    deadline = time.monotonic() + 3
    while read(reaper) != text:
        if time.monotonic() > deadline:
            raise RuntimeError("the clipboard did not take the text")
        time.sleep(0.005)
