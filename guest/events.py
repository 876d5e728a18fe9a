"""The `events` channel: the computer's activity as typed events, from real sources only.

The host keeps one events connection per computer and tells it, with `want`, the union of what
its subscribers asked for; each source runs only while wanted. The host answers subscribers
from that one stream (filtering per subscriber, and timing idle/active per subscriber from
the `input` reports here).
"""
import threading
import time

import audio
import clipboard
import fswatch
import procwatch
import xwatch
from channels import Closed

TYPES = ("window_focus", "window_open", "window_close", "clipboard", "file_change", "screen_change",
         "audio_stream_start", "audio_stream_stop", "process_start", "process_stop", "idle", "active")
X_TYPES = {"window_focus", "window_open", "window_close", "clipboard", "screen_change", "idle", "active"}
CLIPBOARD_PREVIEW = 64 * 1024


def now_iso():
    """ISO 8601 UTC with milliseconds, as the rest of the API writes times."""
    t = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{int(t * 1000) % 1000:03d}Z"


class Events:
    def __init__(self, reaper, on_resize):
        self.reaper = reaper
        self._lock = threading.Lock()
        self.conn = None
        self.types = set()
        self.x = xwatch.XWatcher(self._emit, on_resize, self._clipboard_changed)
        self.files = fswatch.FileWatcher(self._emit)
        self.processes = procwatch.ProcessWatcher(self._emit)
        self.streams = audio.StreamWatcher(self._emit, reaper)

    def start(self):
        """Once the display is up: the X watcher also follows the screen's size, always."""
        self.x.start()

    def serve(self, conn, header):
        with self._lock:
            old, self.conn = self.conn, conn
        if old:
            old.close()  # one events stream per computer: the newest host connection wins
        try:
            while True:
                kind, msg = conn.receive()
                if kind == "J" and msg.get("type") == "want":
                    types = [t for t in msg.get("event_types", []) if t in TYPES]
                    self._want(set(types))
                    conn.send_json({"type": "armed", "event_types": sorted(types)})
        except Closed:
            pass
        finally:
            with self._lock:
                mine = self.conn is conn
                if mine:
                    self.conn = None
            if mine:
                self._want(set())

    def _want(self, types):
        self.types = types
        self.x.want(types & X_TYPES)
        for wanted, source in ((bool(types & {"file_change"}), self.files),
                               (bool(types & {"process_start", "process_stop"}), self.processes),
                               (bool(types & {"audio_stream_start", "audio_stream_stop"}), self.streams)):
            if wanted:
                source.start()
            else:
                source.stop()

    def _emit(self, event_type, data):
        conn = self.conn
        # `input` is the X watcher's report for idle/active timing, which the host does.
        if conn is None or (event_type not in self.types and event_type != "input"):
            return
        try:
            conn.send_json({"type": "event", "event_type": event_type, "timestamp": now_iso(), "data": data})
        except Closed:
            pass

    def _clipboard_changed(self, owner):
        stamp = now_iso()

        def read():
            try:
                text = clipboard.read(self.reaper)
            except Exception:
                text = None
            data = {"selection": "clipboard", "owner": owner or None}
            if text is not None:
                data["text"] = text[:CLIPBOARD_PREVIEW]
                data["truncated"] = len(text) > CLIPBOARD_PREVIEW
            conn = self.conn
            if conn:
                try:
                    conn.send_json({"type": "event", "event_type": "clipboard", "timestamp": stamp, "data": data})
                except Closed:
                    pass

        # Reading the text is a round trip to the clipboard's owner: never in the X thread.
        threading.Thread(target=read, daemon=True).start()
