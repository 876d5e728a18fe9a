"""The operations the host can ask of the guest: one table, op name → handler.

A handler takes the request (a dict) and the reaper, and answers a dict that is sent back with
`ok: true`; raising answers `ok: false` with the error's words. The protocol is written down in
PROTOCOL.md beside this file; the host's typed side of this table is host/runtime/guest-ops.ts.
"""
import clipboard
import login_env
import procs
import shells
import stream

OPS = {}


def op(name):
    def register(fn):
        OPS[name] = fn
        return fn
    return register


@op("ops")
def list_ops(req, reaper):
    """The table itself, so the host (and the contract test) can see what this guest serves."""
    return {"ops": sorted(OPS) + ["stop"]}


@op("bash")
def bash(req, reaper):
    env = login_env.get(reaper, procs.spawn_user)
    # A login shell that takes its profile's environment from the cache instead of re-reading it.
    command = req["command"]
    argv = ["/bin/bash", "--login", "--noprofile", "-c", command] if env else ["/bin/bash", "-lc", command]
    return procs.run_as_user(reaper, argv, req.get("timeout", 30), env=env)


@op("exec")
def exec_python(req, reaper):
    return procs.run_as_user(reaper, ["/usr/bin/python3", "-c", req["code"]], req.get("timeout", 10))


@op("clipboard_get")
def clipboard_get(req, reaper):
    return {"text": clipboard.read(reaper)}


@op("clipboard_set")
def clipboard_set(req, reaper):
    clipboard.write(reaper, req["text"])
    return {}


@op("stream_start")
def stream_start(req, reaper):
    """RTMP: the screen and sound to `url` (server URL and key), at `fps` (stream.py)."""
    return stream.start(reaper, req["url"], req["connection_name"], int(req.get("fps", 15)))


@op("stream_stop")
def stream_stop(req, reaper):
    return stream.stop()


@op("stream_status")
def stream_status(req, reaper):
    return stream.status()


@op("shell_run")
def shell_run(req, reaper):
    """A command in the live shell of `key` (an agent's thread): shells.py."""
    return shells.run(req, reaper)


@op("shell_close")
def shell_close(req, reaper):
    return shells.close(req, reaper)


@op("shell_interrupt")
def shell_interrupt(req, reaper):
    return shells.interrupt(req, reaper)
