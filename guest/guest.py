"""The guest: the program inside each computer, its pid 1.

The host starts it as
  unshare --mount --uts --ipc --pid --fork --kill-child --propagation private python3 -S -E guest.py
with ORGO_* variables naming the computer. It builds the computer's root (mounts.py), drops to a
container's capability set, starts the X/VNC server and the desktop session, and then serves the
host over stdin/stdout: one JSON object a line, requests carry an `id`, answers repeat it, and
unsolicited lines carry an `event` (PROTOCOL.md; the operations are the table in ops.py). When stdin closes (the host is gone) the computer shuts down:
its disk is files on the host's filesystem, so nothing of it is lost.
"""
import ctypes
import json
import os
import signal
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# Every module of the guest is imported here, before the computer's root replaces the host's:
# the guest's folder (and the bytecode cache under the host's data dir) cannot be seen after.
import audio  # noqa: E402
import caps  # noqa: E402
import login_env  # noqa: E402
import channels  # noqa: E402
import desktop_icons  # noqa: E402
import events  # noqa: E402
import mounts  # noqa: E402
import on_demand  # noqa: E402
import ops  # noqa: E402
import procs  # noqa: E402
import seed  # noqa: E402
import session  # noqa: E402
import stream  # noqa: E402
import terminals  # noqa: E402
import wallpaper  # noqa: E402
import wm_ready  # noqa: E402
import workers  # noqa: E402
import zygote  # noqa: E402,F401  (forked guests: zygote.py)

out_lock = threading.Lock()


def send(obj):
    line = json.dumps(obj, ensure_ascii=False) + "\n"
    with out_lock:
        sys.stdout.write(line)
        sys.stdout.flush()


def wait_for_socket(path, deadline):
    while True:
        s = socket.socket(socket.AF_UNIX)
        try:
            s.connect(path)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{path} did not open")
            time.sleep(0.002)
        finally:
            s.close()


def main():
    env = os.environ
    hostname = env["ORGO_HOSTNAME"]
    # Where a start's time goes (ms since this process began its main), sent with `ready`.
    t0 = time.monotonic()
    phases = {}
    if env.get("ORGO_SPAWNED_NS", "").isdigit():  # from the host's spawn (or fork request) to here
        spawned = int(env["ORGO_SPAWNED_NS"])
        phases["main"] = round((time.monotonic_ns() - spawned) / 1e6, 1)
        for mark in env.get("ORGO_FORK_MARKS", "").split(","):  # the zygote's steps (zygote.py)
            name, _, ns = mark.partition(":")
            if ns.isdigit():
                phases[f"zygote.{name}"] = round((int(ns) - spawned) / 1e6, 1)
    if env.get("ORGO_SHARE_PAGES") == "1":
        # Spawned rather than forked from the zygote: opt in here (zygote.py says why).
        ctypes.CDLL(None).prctl(67, 1, 0, 0, 0)  # PR_SET_MEMORY_MERGE

    def mark(name):
        phases[name] = round((time.monotonic() - t0) * 1000, 1)

    seed.seed(env["ORGO_DISK"], hostname)
    mark("seed")
    masks = [p for p in env.get("ORGO_MASK", "").split(":") if p]
    mounts.build_root(env["ORGO_RUN"] + "/root", env["ORGO_DISK"], env["ORGO_RUN"],
                      os.path.dirname(os.path.abspath(__file__)), masks)
    socket.sethostname(hostname)
    caps.drop_to_container_set()
    mark("root")
    joined(phases, env)

    reaper = procs.Reaper()
    # Streams (terminals, audio, events) each get a connection on /run/orgo/channels.sock.
    def on_resize(w, h, d):
        send({"event": "resolution", "width": w, "height": h, "depth": d})
        stream.on_resize(w, h)  # an RTMP stream follows the screen's size
        background(wallpaper.paint)  # the gradient spans the new height

    activity = events.Events(reaper, on_resize)
    channels.serve({
        "terminal": lambda conn, header: terminals.serve(conn, header, reaper),
        "audio": lambda conn, header: audio.serve(conn, header, reaper),
        "events": activity.serve,
    })
    desktop = session.Desktop(reaper, env)
    desktop.start_display()
    mark("xvnc_spawned")
    global display_pid
    display_pid = desktop.display_pid
    try:
        wait_for_socket("/tmp/.X11-unix/X1", time.monotonic() + 15)
        wait_for_socket("/run/orgo/vnc.sock", time.monotonic() + 15)
        mark("display")
    except TimeoutError as e:
        send({"event": "exit", "reason": f"the display did not start: {e}"})
        shutdown(1)
    # The audio channel records from PulseAudio, whose socket the guest holds from here on
    # (on_demand.py): a viewer's recorder connects at once and is answered by the server
    # that connection starts, so sound works from the first second without waiting for it
    # (and without starting it, by a probe, in computers that never play anything). The session
    # bus the same way: most computers idle with nothing on it.
    os.makedirs(on_demand.RUNTIME, mode=0o700, exist_ok=True)
    os.chown(on_demand.RUNTIME, on_demand.UID, on_demand.UID)
    on_demand.sound_server(reaper).start()
    on_demand.session_bus(reaper).start()
    # Running: the display takes input and VNC clients. The session (window manager, panel) and
    # the desktop's cosmetics start right behind, while the host finishes its own part.
    mark("ready")
    t = os.times()
    phases["cpu_self"] = round((t.user + t.system) * 1000, 1)  # this interpreter's, from its exec
    send({"event": "ready", "phases": phases})
    desktop.start_session()
    threading.Thread(target=say_session, args=(t0,), daemon=True).start()
    background(wallpaper.paint)
    desktop_icons.DesktopIcons(reaper).start()
    # The first `bash` action should not pay for reading the login profile either.
    threading.Thread(target=login_env.get, args=(reaper, procs.spawn_user), daemon=True).start()
    activity.start()
    threading.Timer(3.0, give_back_memory).start()

    def on_display_exit(status):
        if not stopping.is_set():
            send({"event": "exit", "reason": f"the display server (Xvnc) {procs.describe(status)}"})
            shutdown(1)
    reaper.watch(desktop.display_pid, on_display_exit)

    requests = workers.Workers()
    for line in sys.stdin:
        try:
            req = json.loads(line)
        except ValueError:
            continue
        requests.run(handle, req, reaper)
    shutdown(0)


stopping = threading.Event()
display_pid = None
# Applications get this long to close while their display is still up; then the rest, then SIGKILL.
# Within the host's STOP_GRACE_MS (host/runtime/desktop.ts).
APPS_GRACE_S = 2.5
REST_GRACE_S = 0.7


def background(fn):
    """Desktop cosmetics run beside the session; failing them never stops the computer."""
    def run():
        try:
            fn()
        except Exception as e:
            print(f"guest: {fn.__module__}: {e}", file=sys.stderr)
    threading.Thread(target=run, daemon=True).start()


def joined(phases, env):
    """A forked guest (zygote.py) starts before it is in its cgroups: until the zygote's child
    has moved it there and closed ORGO_JOINED_FD, no thread and no process of the computer's may
    start. The child writes when it was done, for the start's record."""
    fd = env.get("ORGO_JOINED_FD", "")
    if not fd.isdigit():
        return  # spawned by the host: joined before this interpreter started
    data = b""
    while True:
        chunk = os.read(int(fd), 64)
        if not chunk:
            break
        data += chunk
    os.close(int(fd))
    name, _, ns = data.decode().partition(":")
    if not ns.isdigit():
        # The child ended without saying it was done: it could not join them and said so itself.
        os._exit(1)
    if env.get("ORGO_SPAWNED_NS", "").isdigit():
        phases["zygote.cgroups"] = round((int(ns) - int(env["ORGO_SPAWNED_NS"])) / 1e6, 1)


def say_session(t0):
    """`session`: the window manager holds the screen (wm_ready.py), or it did not within
    WM_TIMEOUT_S (`ok` false: actions go ahead without it)."""
    try:
        ok = wm_ready.wait(WM_TIMEOUT_S)
    except (OSError, wm_ready.xwire.XError) as e:
        print(f"guest: waiting for the window manager: {e}", file=sys.stderr)
        ok = False
    if stopping.is_set():
        return  # the display went with the computer: nothing to wait for
    send({"event": "session", "ok": ok, "ms": round((time.monotonic() - t0) * 1000, 1)})


WM_TIMEOUT_S = 10


def handle(req, reaper):
    """Answers one request from the table in ops.py (the protocol: PROTOCOL.md)."""
    rid = req.get("id")
    name = req.get("op")
    try:
        if name == "stop":  # not in the table: it ends this process after answering
            send({"id": rid, "ok": True})
            shutdown(0)
            return
        handler = ops.OPS.get(name)
        if handler is None:
            raise ValueError(f"unknown op {name!r}")
        send({"id": rid, "ok": True, **handler(req, reaper)})
    except Exception as e:  # an answer, never a dead guest
        send({"id": rid, "ok": False, "error": str(e)})


def give_back_memory():
    """Once the computer is up: what building its root and starting it allocated and freed
    stays in the C heap as holes glibc keeps; in every one of a thousand computers. Collect,
    then hand the free pages back to the kernel (malloc_trim), and move what survives out of
    the collector's way (gc.freeze: later collections no longer walk the boot's objects)."""
    import ctypes
    import gc
    gc.collect()
    gc.freeze()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass


def shutdown(code):
    """Ends every process of the computer, politely first: the applications while their display
    and session bus are still up, then the display and whatever is left. Chromium that loses its X server in the
    middle of closing records a crash and asks to restore pages on its next start."""
    stopping.set()
    # The display and the session's buses outlive the applications: Chromium aborts on purpose
    # ("D-Bus connection was disconnected") when its session bus goes away mid-close.
    keep = set(procs.plumbing(procs.alive_pids()))
    if display_pid:
        keep.add(display_pid)
    # One SIGTERM per application, to its main process; helpers signalled too would die under it
    # mid-close, and Chromium counts that as a crash.
    for pid in procs.main_processes(procs.alive_pids()):
        if pid not in keep:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + APPS_GRACE_S
    while time.monotonic() < deadline and procs.others_alive(keep):
        time.sleep(0.02)
    try:
        os.kill(-1, signal.SIGTERM)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + REST_GRACE_S
    while time.monotonic() < deadline and procs.others_alive():
        time.sleep(0.02)
    try:
        os.kill(-1, signal.SIGKILL)
    except ProcessLookupError:
        pass
    sys.stdout.flush()
    os._exit(code)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--zygote"]:
        import zygote
        zygote.serve(sys.argv[2], sys.modules[__name__])
    try:
        main()
    except Exception as e:
        send({"event": "exit", "reason": f"the computer could not start: {e}"})
        os._exit(1)
