"""RTMP streaming from inside the computer (the host's side: host/services/stream.ts).

ffmpeg, as the desktop's user, grabs the screen (x11grab, at the screen's size when each attempt
starts) and the computer's sound (the monitor of the PulseAudio null sink every application
plays into, desktop/pulse.pa), encodes H.264 and AAC at a constant bit rate with a keyframe
every 2 s, and publishes FLV to the server.

When the server drops the connection or is not there, ffmpeg ends; it is started again after
1 s, doubling to 30 s, for up to RETRY_FOR_S of failing; the status says so meanwhile. A screen
resize restarts it at the new size. The stream ends with the computer: the guest's shutdown ends
ffmpeg with every other process, and an ffmpeg killed by a signal is not restarted.
"""
import os
import select
import signal
import subprocess
import threading
import time

import procs
import xwire
from events import now_iso

FIRST_RETRY_S = 1.0
MAX_RETRY_S = 30.0
RETRY_FOR_S = 300.0
# An attempt that kept the connection this long starts the backoff over.
STEADY_S = 10.0
# How long the start waits for frames to reach the server.
CONNECT_WAIT_S = 12.0
STOP_GRACE_S = 3.0
AUDIO_KBPS = 128
# Bits for a 1280x720 screen, scaled by area (YouTube asks 1.5-4 Mbit/s at 720p).
VIDEO_KBPS_720P = 2500


def video_kbps(width, height):
    return max(800, min(8000, round(VIDEO_KBPS_720P * width * height / (1280 * 720))))


def screen_size():
    c = xwire.Connection()
    try:
        return c.width, c.height
    finally:
        c.close()


def ffmpeg_argv(url, width, height, fps):
    # yuv420p and x264 need even sides: the last odd column or row is left out.
    w, h = width // 2 * 2, height // 2 * 2
    kbps = video_kbps(w, h)
    gop = str(fps * 2)
    return [
        "ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-nostats",
        # key=value blocks on stdout twice a second: how the guest sees frames reach the server.
        "-progress", "pipe:1", "-stats_period", "0.5",
        # The sound first: opening it may start the sound server (on_demand.py), which takes a
        # moment; opened first, the sound is there from the stream's first frame.
        # 20 ms pieces: asked for nothing, PulseAudio runs the null sink's monitor with seconds of
        # latency, and the sound would trail the picture by as much.
        "-thread_queue_size", "1024", "-f", "pulse", "-sample_rate", "48000", "-channels", "2",
        "-fragment_size", "3840", "-name", "Orgo stream", "-i", "@DEFAULT_MONITOR@",
        "-thread_queue_size", "64", "-f", "x11grab", "-draw_mouse", "1", "-framerate", str(fps),
        "-video_size", f"{w}x{h}", "-i", ":1",
        "-map", "1:v", "-map", "0:a",
        # Both inputs stamp what they capture with the wall clock (the sound less PulseAudio's
        # reported latency). ffmpeg would start each input's time at 0 on its own, so the sound,
        # opened a second or two apart from the picture, would play as much early or late: keep
        # the wall clock through, and start the stream's time at 0 once, for both, at the muxer.
        "-copyts", "-avoid_negative_ts", "make_zero",
        # Constant frames a second from the capture's times (a frame grabbed late is repeated).
        # The screen's BGRX goes to yuv420p by way of BGR24: swscale has a fast path from BGR24
        # (no filtering, a 2x2 average for the colour) and none from BGRX; it costs a third as
        # much, 5 % of a core at 720p15, for a picture 48 dB (PSNR) from the slow path's.
        "-vf", f"fps={fps},format=bgr24,format=yuv420p", "-fps_mode", "passthrough",
        # ultrafast, one thread: at this constant bit rate a desktop (a terminal, top, a busy
        # scroll) came out as superfast's (PSNR and SSIM equal to 0.1 dB, 0.001) for 3/4 of its
        # CPU; what bench/stream.ts measures.
        "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-threads", "1",
        "-pix_fmt", "yuv420p",
        # Constant bit rate, as streaming services ask (Twitch: "strict CBR"): HRD-conformant CBR
        # with filler. A quantiser of at least 18: a desktop mostly still is far below the bit rate,
        # and CBR would spend it refining the picture towards lossless (QP 1-4), coding every
        # block again each frame; at 18 the still parts are skipped (99 % of blocks, was 91 %),
        # the rest is filler, and the picture is 52 dB (PSNR) from the screen, past what an eye
        # tells apart. A busy screen needs the bits and gets a higher quantiser anyway.
        "-b:v", f"{kbps}k", "-minrate", f"{kbps}k", "-maxrate", f"{kbps}k", "-bufsize", f"{kbps * 2}k",
        "-x264-params", "nal-hrd=cbr:qpmin=18",
        # A keyframe every 2 s exactly (constant frames a second: every 2*fps frames), never more
        # often for scene cuts.
        "-g", gop, "-keyint_min", gop, "-sc_threshold", "0",
        # The sound follows its timestamps: small drifts are stretched, and a gap (the sound
        # server busy) becomes silence rather than pulling what follows early.
        "-af", "aresample=async=1000",
        "-c:a", "aac", "-b:a", f"{AUDIO_KBPS}k", "-ar", "48000", "-ac", "2",
        # A server that stops reading (not closing) is noticed within 15 s.
        "-rw_timeout", "15000000",
        "-flvflags", "no_duration_filesize",
        "-f", "flv", url,
    ]


class Stream:
    """One stream: its attempts, their backoff, and what the status says."""

    def __init__(self, reaper, url, connection_name, fps):
        self.reaper = reaper
        self.url = url
        self.connection_name = connection_name
        self.fps = fps
        self.lock = threading.Lock()
        self.state = "streaming"
        self.start_time = now_iso()
        self.end_time = None
        self.reason = None
        self.retries = 0
        self.pid = None
        self.proc = None
        self.size = None
        self.stopped = threading.Event()
        self.restart_now = threading.Event()
        # The first attempt's outcome, for start(): frames reached the server, or why not.
        self.first = threading.Event()
        self.first_ok = False
        self.first_error = None

    # ---- what the host asks ----

    def start(self):
        threading.Thread(target=self._run, name="stream", daemon=True).start()
        if not self.first.wait(CONNECT_WAIT_S):
            self.first_error = f"no frames reached the server within {CONNECT_WAIT_S:.0f} s"
            self._end(f"could not start: {self.first_error}")
        return self.first_ok

    def stop(self):
        self.stopped.set()
        self._kill_current()

    def resized(self, width, height):
        """The screen changed size: the stream follows, without counting a failure."""
        if self.size and self.size != (width // 2 * 2, height // 2 * 2) and self.state == "streaming":
            self.restart_now.set()
            self._kill_current(graceful=False)

    @property
    def active(self):
        return self.state == "streaming"

    def status(self):
        with self.lock:
            if self.state == "streaming":
                out = {"status": "streaming", "connection_name": self.connection_name, "pid": self.pid,
                       "start_time": self.start_time, "retries": self.retries}
                if self.reason:
                    out["reason"] = self.reason
                return out
            return {"status": "terminated", "connection_name": self.connection_name, "start_time": self.start_time,
                    "end_time": self.end_time, "reason": self.reason}

    # ---- the attempts ----

    def _run(self):
        failing_since = None
        delay = FIRST_RETRY_S
        while not self.stopped.is_set():
            try:
                size = screen_size()
            except (OSError, xwire.XError) as e:
                self._end(f"the screen could not be read: {e}")
                return
            self.size = (size[0] // 2 * 2, size[1] // 2 * 2)
            began = time.monotonic()
            flowed, status, error = self._attempt(size)
            if self.stopped.is_set():
                return
            if not self.first.is_set():
                # The start's own attempt: its failure is the start's answer, not a retry.
                self.first_error = error or f"ffmpeg {procs.describe(status)}"
                self._end(f"could not start: {self.first_error}")
                return
            if self.restart_now.is_set():
                self.restart_now.clear()
                continue
            if os.WIFSIGNALED(status):
                self._end(f"ffmpeg {procs.describe(status)}")
                return
            why = error or f"ffmpeg {procs.describe(status)}"
            now = time.monotonic()
            if flowed and now - began >= STEADY_S:
                failing_since, delay = None, FIRST_RETRY_S
            failing_since = failing_since or now
            if now - failing_since > RETRY_FOR_S:
                self._end(f"the server could not be reached for {RETRY_FOR_S / 60:.0f} minutes: {why}")
                return
            with self.lock:
                self.retries += 1
                self.reason = f"reconnecting (attempt {self.retries}): {why}"
                self.pid = None
            if self.stopped.wait(delay):
                return
            delay = min(MAX_RETRY_S, delay * 2)

    def _attempt(self, size):
        """Runs ffmpeg once, to its end: (frames reached the server, wait status, its last error)."""
        p = procs.spawn_user(self.reaper, ffmpeg_argv(self.url, size[0], size[1], self.fps),
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        procs.INTERNAL.add(p.pid)  # not one of the user's processes (and its argv holds the key)
        with self.lock:
            self.proc, self.pid = p, p.pid
        flowed, error = False, None
        try:
            out, err = p.stdout.fileno(), p.stderr.fileno()
            open_fds, buf = {out, err}, {out: b"", err: b""}
            while open_fds:
                ready, _, _ = select.select(list(open_fds), [], [], 1.0)
                for fd in ready:
                    data = os.read(fd, 65536)
                    if not data:
                        open_fds.discard(fd)
                        continue
                    *lines, buf[fd] = (buf[fd] + data).split(b"\n")
                    for raw in lines:
                        line = raw.decode("utf-8", "replace").strip()
                        if fd == err and line:
                            error = _readable(line, self.url)
                        elif fd == out and line.startswith("frame=") and line[6:].isdigit() and int(line[6:]) > 0:
                            if not flowed:
                                flowed = True
                                self._connected()
        finally:
            status = self.reaper.wait(p.pid)
            procs.INTERNAL.discard(p.pid)
            p.stdout.close()
            p.stderr.close()
            with self.lock:
                self.proc = None
        return flowed, status, error

    def _connected(self):
        with self.lock:
            self.reason = None
            self.retries = 0
        if not self.first.is_set():
            self.first_ok = True
            self.first.set()

    def _end(self, reason):
        with self.lock:
            if self.state != "streaming":
                return
            self.state = "terminated"
            self.reason = reason
            self.end_time = now_iso()
            self.pid = None
        self.stopped.set()
        self._kill_current()
        self.first.set()

    def _kill_current(self, graceful=True):
        with self.lock:
            p = self.proc
        if not p:
            return
        try:
            # SIGTERM lets ffmpeg end the FLV and unpublish; a server that hangs gets SIGKILL.
            os.kill(p.pid, signal.SIGTERM if graceful else signal.SIGKILL)
        except ProcessLookupError:
            return
        if graceful:
            def escalate():
                if self.reaper.wait(p.pid, STOP_GRACE_S) is None:
                    try:
                        os.kill(p.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
            threading.Thread(target=escalate, daemon=True).start()


def _readable(line, url):
    """ffmpeg's error line with the server's URL in place of the whole one (that holds the stream key)."""
    key = url.rsplit("/", 1)[1]
    return line.replace(url, url.rsplit("/", 1)[0]).replace(key, "••••")[:300]


_lock = threading.Lock()
_current = None


def start(reaper, url, connection_name, fps):
    """Answers the stream's status; `started` false with `busy` or a `reason` when it did not start."""
    global _current
    with _lock:
        if _current and _current.active:
            return {"started": False, "busy": True, **_current.status()}
        _current = Stream(reaper, url, connection_name, fps)
        s = _current
    if s.start():
        return {"started": True, **s.status()}
    return {"started": False, "busy": False, "reason": s.first_error, **s.status()}


def stop():
    global _current
    with _lock:
        s, _current = _current, None
    was = bool(s and s.active)
    if s:
        s.stop()
    return {"stopped": was}


def status():
    with _lock:
        s = _current
    return s.status() if s else {"status": "idle"}


def on_resize(width, height):
    with _lock:
        s = _current
    if s:
        s.resized(width, height)
