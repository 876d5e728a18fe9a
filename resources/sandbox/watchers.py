"""What the event sources that poll or follow a child process have in common: a loop on its own
thread while anybody listens, stopped through an Event that only that run sees (so a quick
stop and start never leaves two loops running)."""
import threading


class LoopWatcher:
    thread_name = "watcher"

    def __init__(self):
        self._stop = None

    @property
    def running(self):
        return self._stop is not None

    def start(self):
        if not self._stop:
            self._stop = threading.Event()
            threading.Thread(target=self._loop, args=(self._stop,), name=self.thread_name, daemon=True).start()

    def stop(self):
        if self._stop:
            self._stop.set()
            self._stop = None

    def _loop(self, stop):
        raise NotImplementedError
