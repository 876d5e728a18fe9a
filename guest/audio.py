"""The computer's sound: capture of its PulseAudio null sink, and which applications play.

The desktop session starts one PulseAudio (desktop/pulse.pa) whose default output is
a null sink: applications play into it as into speakers, and its monitor is what the audio
channel records (`parec`, resampled by PulseAudio to the rate the viewer asks for). A null
sink's monitor yields nothing while nothing plays; the host fills those gaps with silence and
paces the 20 ms frames, so the guest sends what PulseAudio gives, as it comes.
"""
import json
import os
import select
import subprocess
import threading
import time

import procs
from channels import Closed
from watchers import LoopWatcher

PULSE_WAIT_S = 10


def serve(conn, header, reaper):
    """The `audio` channel: raw s16le PCM at the asked rate and channel count, until hang-up."""
    rate = int(header.get("sample_rate", 24000))
    channels = int(header.get("channels", 1))
    if not (8000 <= rate <= 48000 and channels in (1, 2)):
        conn.send_json({"type": "error", "message": "sample_rate must be 8000-48000 and channels 1 or 2"})
        return
    hung_up = threading.Event()

    def watch_host():
        try:
            while True:
                conn.receive()
        except Closed:
            hung_up.set()

    threading.Thread(target=watch_host, daemon=True).start()
    deadline = time.monotonic() + PULSE_WAIT_S
    announced = False
    while not hung_up.is_set():
        p = procs.spawn_user(reaper, [
            "parec", "--device=@DEFAULT_MONITOR@", "--format=s16le", f"--rate={rate}", f"--channels={channels}",
            "--raw", "--latency-msec=10", "--client-name=Orgo audio channel", "--stream-name=viewer",
        ], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        procs.INTERNAL.add(p.pid)
        try:
            got = _pump(p, conn, hung_up, announced)
            announced = announced or got
        finally:
            _end(p, reaper)
        if hung_up.is_set():
            return
        if not got and time.monotonic() > deadline:
            conn.send_json({"type": "error", "message": "the computer's sound server is not running"})
            return
        time.sleep(0.2)  # PulseAudio is still starting, or was restarted: record again


def _pump(p, conn, hung_up, announced):
    """Copies parec's output to the host; True once parec reached the sound server."""
    fd = p.stdout.fileno()
    started = announced
    while not hung_up.is_set():
        r, _, _ = select.select([fd], [], [], 0.2)
        if not r:
            if not started:
                # parec stays silent both while recording silence and while failing: it is
                # running (recording) if it has not exited after a moment.
                started = True
                conn.send_json({"type": "recording"})
            continue
        data = os.read(fd, 65536)
        if not data:
            return started
        if not started:
            started = True
            conn.send_json({"type": "recording"})
        conn.send_bytes(data)
    return started


def _end(p, reaper):
    try:
        p.kill()
    except ProcessLookupError:
        pass
    reaper.wait(p.pid, 2)
    procs.INTERNAL.discard(p.pid)
    p.stdout.close()


class StreamWatcher(LoopWatcher):
    """audio_stream_start / audio_stream_stop: PulseAudio's own notifications of playback streams."""

    thread_name = "audiowatch"
    ready_timeout = 2

    def __init__(self, emit, reaper):
        self.emit = emit
        self.reaper = reaper
        super().__init__()

    def _loop(self, stop):
        streams = {}
        while not stop.is_set():
            # stdbuf: pactl's stdout is a pipe here, which stdio would otherwise buffer in 4 KB.
            p = procs.spawn_user(self.reaper, ["stdbuf", "-oL", "pactl", "subscribe"], stdin=subprocess.DEVNULL,
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            procs.INTERNAL.add(p.pid)
            try:
                # Streams that were playing before we looked are known, not announced.
                for s in self._list():
                    streams.setdefault(s["stream_id"], s)
                self.ready(stop)
                fd = p.stdout.fileno()
                buf = b""
                while not stop.is_set():
                    r, _, _ = select.select([fd], [], [], 0.3)
                    if not r:
                        continue
                    data = os.read(fd, 4096)
                    if not data:
                        break
                    buf += data
                    *lines, buf = buf.split(b"\n")
                    for line in lines:
                        self._on_line(line.decode("utf-8", "replace"), streams)
            finally:
                _end(p, self.reaper)
            stop.wait(0.5)  # no sound server yet, or it restarted

    def _on_line(self, line, streams):
        # "Event 'new' on sink-input #12"
        if "sink-input #" not in line:
            return
        sid = int(line.rsplit("#", 1)[1])
        if "'new'" in line:
            info = next((s for s in self._list() if s["stream_id"] == sid), None)
            if info and sid not in streams:
                streams[sid] = info
                self.emit("audio_stream_start", info)
        elif "'remove'" in line and sid in streams:
            self.emit("audio_stream_stop", streams.pop(sid))

    def _list(self):
        r = procs.run_as_user(self.reaper, ["pactl", "--format=json", "list", "sink-inputs"], 5)
        if r["exit_code"] != 0:
            return []
        try:
            items = json.loads(r["output"])
        except ValueError:
            return []
        out = []
        for it in items:
            props = it.get("properties", {})
            out.append({
                "stream_id": it.get("index"),
                "application": props.get("application.name") or props.get("application.process.binary") or "",
                "media": props.get("media.name", ""),
                "pid": int(props["application.process.id"]) if str(props.get("application.process.id", "")).isdigit() else None,
                "sample_spec": it.get("sample_specification", ""),
            })
        return out
