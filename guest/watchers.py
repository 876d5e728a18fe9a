"""What the event sources that poll or follow a child process have in common: a loop on its own
thread while anybody listens, stopped through an Event that only that run sees (so a quick
stop and start never leaves two loops running)."""
import threading


class LoopWatcher:
    thread_name = "watcher"
    # How long start() waits for the loop's first look (what already exists is known, not
    # reported): a subscriber is told it is armed only after it, so something that starts right
    # after never passes for something that was already there. 0: the loop has no first look.
    ready_timeout = 0

    def __init__(self):
        self._stop = None

    @property
    def running(self):
        return self._stop is not None

    def start(self):
        if not self._stop:
            self._stop = threading.Event()
            # Per run, like the stop Event: a loop still ending cannot mark a new run ready.
            self._stop.ready = threading.Event()
            threading.Thread(target=self._loop, args=(self._stop,), name=self.thread_name, daemon=True).start()
        if self.ready_timeout:
            self._stop.ready.wait(self.ready_timeout)

    @staticmethod
    def ready(stop):
        """This run of the loop has taken its first look."""
        stop.ready.set()

    def stop(self):
        if self._stop:
            self._stop.set()
            self._stop = None

    def _loop(self, stop):
        raise NotImplementedError
