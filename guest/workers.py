"""Threads for the host's requests: each request runs at once on a thread of its own, as before,
but on one left idle by an earlier request when there is one, instead of a new thread each time.
Starting a Python thread (and its first switch) was a measurable part of a `bash true` through
the API. Threads idle for IDLE_S end, so a burst of requests leaves no crowd behind.
"""
import queue
import sys
import threading

IDLE_S = 30.0


class Workers:
    def __init__(self):
        self._jobs = queue.SimpleQueue()
        self._lock = threading.Lock()
        # Workers done with their last job and not yet promised another. Each job put is promised
        # either one of them or a new worker, so a job never waits behind a busy one.
        self._idle = 0

    def run(self, fn, *args):
        with self._lock:
            reuse = self._idle > 0
            if reuse:
                self._idle -= 1
        self._jobs.put((fn, args))
        if not reuse:
            threading.Thread(target=self._loop, daemon=True, name="request").start()

    def _loop(self):
        while True:
            try:
                fn, args = self._jobs.get(timeout=IDLE_S)
            except queue.Empty:
                with self._lock:
                    # With none idle, every waiting worker is promised a job already in the queue.
                    if self._idle > 0:
                        self._idle -= 1
                        return
                continue
            try:
                fn(*args)
            except BaseException as e:  # noqa: BLE001: a worker outlives any one job
                print(f"guest: a request failed: {e!r}", file=sys.stderr, flush=True)
            with self._lock:
                self._idle += 1
