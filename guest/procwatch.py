"""process_start / process_stop events: the computer's process table, compared every 200 ms.

The kernel's process-event connector (netlink) needs CAP_NET_ADMIN, which a computer's root does
not have, and it would report the host's processes too; this computer's /proc lists exactly its
own. Processes that live less than one interval can be missed; everything a person or an agent
starts and watches is seen. Only runs while someone is subscribed.
"""
import os

import procs
from watchers import LoopWatcher

INTERVAL = 0.2


class ProcessWatcher(LoopWatcher):
    thread_name = "procwatch"
    ready_timeout = 1.5

    def __init__(self, emit):
        self.emit = emit
        super().__init__()

    def _loop(self, stop):
        known = snapshot({})
        self.ready(stop)
        while not stop.wait(INTERVAL):
            now = snapshot(known)
            for pid, info in now.items():
                old = known.get(pid)
                # A pid reused between two looks is a new process: its start time differs.
                if old is None or old["started"] != info["started"]:
                    if old is not None:
                        self._stopped(pid, old)
                    if not _internal(pid, info):
                        self.emit("process_start", _public(pid, info))
                elif old["name"] != info["name"] and old["command"] != info["command"] and not _internal(pid, info):
                    # The same process ran another program (exec, as `setsid prog` or a shell's
                    # last command do): that program starts now. (Name and command both change;
                    # a program that only renames itself or rewrites its argv is not reported.)
                    self.emit("process_start", dict(_public(pid, info), exec=True))
            for pid, info in known.items():
                if pid not in now:
                    self._stopped(pid, info)
            known = now

    def _stopped(self, pid, info):
        if not _internal(pid, info):
            self.emit("process_stop", _public(pid, info))


def _internal(pid, info):
    return pid == 1 or pid in procs.INTERNAL or info["ppid"] in procs.INTERNAL


def _public(pid, info):
    return {"pid": pid, "ppid": info["ppid"], "name": info["name"], "command": info["command"], "uid": info["uid"]}


def snapshot(known):
    """pid → info for every live process; what `known` already holds is not read again."""
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        pid = int(name)
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                stat = f.read()
            comm = stat[stat.index(b"(") + 1:stat.rindex(b")")].decode("utf-8", "replace")
            fields = stat[stat.rindex(b")") + 2:].split()
            if fields[0] == b"Z":
                continue  # ended, not yet reaped
            old = known.get(pid)
            if old and old["started"] == fields[19] and old["name"] == comm:
                out[pid] = old
                continue
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read(1024).rstrip(b"\0").replace(b"\0", b" ").decode("utf-8", "replace")
            out[pid] = {
                "ppid": int(fields[1]),
                "started": fields[19],
                "name": comm,
                "command": cmd or f"[{comm}]",
                "uid": os.stat(f"/proc/{pid}").st_uid,
            }
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
    return out
