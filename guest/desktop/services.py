#!/usr/bin/python3
"""The computer's own service manager for the desktop user, answering as `systemctl --user`,
`journalctl --user` and `loginctl`.

No systemd runs inside a computer (its pid 1 is the guest), yet the agents people move here
(Hermes Agent, OpenClaw, ...) install their gateway with `systemctl --user enable --now` and
expect it to run around the clock. So the computer's /usr/bin/systemctl, journalctl and loginctl
are this file (bind-mounted by guest/mounts.py), and `services.py supervise`, started with the
desktop session (guest/desktop/session.sh), starts every enabled unit at boot and restarts it
as its Restart= says. Installers work unchanged; unit files stay systemd's own format, so the
same service runs under real systemd elsewhere.

What it reads of a unit: Description; ExecStartPre, ExecStart, ExecStopPost; WorkingDirectory;
Environment, EnvironmentFile; Restart (no, always, on-success, on-failure, on-abnormal),
RestartSec; Type (simple, exec, notify, oneshot, forking as simple), RemainAfterExit;
TimeoutStopSec; WantedBy. %h, %u, %n, %N and %% expand. Five starts within ten seconds
make a unit `failed`, as systemd's default start limit does. Output goes to
~/.local/state/orgo-services/UNIT.log (what `journalctl --user -u UNIT` shows).
"""
import json
import os
import pwd
import re
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time

USER = pwd.getpwuid(os.getuid())
HOME = os.environ.get("HOME") or USER.pw_dir
RUNTIME = os.environ.get("XDG_RUNTIME_DIR") or f"/run/user/{os.getuid()}"
UNIT_DIR = f"{HOME}/.config/systemd/user"
UNIT_DIRS = (UNIT_DIR, "/etc/systemd/user", "/usr/lib/systemd/user")
SOCK = f"{RUNTIME}/orgo-services.sock"
LOGS = f"{HOME}/.local/state/orgo-services"
START_LIMIT = (5, 10.0)


# --- unit files ----------------------------------------------------------------------------

def unit_name(n):
    return n if "." in n else f"{n}.service"


def find_unit(name):
    for d in UNIT_DIRS:
        p = f"{d}/{name}"
        if os.path.exists(p):
            return p
    return None


def parse_unit(path, name):
    sections, current, pending = {}, None, ""
    with open(path, encoding="utf-8", errors="replace") as f:
        for raw in f:
            line = pending + raw.rstrip("\n")
            pending = ""
            if line.endswith("\\"):
                pending = line[:-1] + " "
                continue
            s = line.strip()
            if not s or s[0] in "#;":
                continue
            if s.startswith("[") and s.endswith("]"):
                current = sections.setdefault(s[1:-1], {})
                continue
            if current is None or "=" not in s:
                continue
            k, v = (x.strip() for x in s.split("=", 1))
            v = expand_specifiers(v, name)
            if v == "":
                current[k] = []  # an empty assignment resets a list, as in systemd
            else:
                current.setdefault(k, []).append(v)
    return sections


def expand_specifiers(v, name):
    table = {"h": HOME, "u": USER.pw_name, "U": str(os.getuid()), "n": name, "N": name.rsplit(".", 1)[0], "t": RUNTIME, "%": "%"}
    return re.sub(r"%(.)", lambda m: table.get(m.group(1), m.group(0)), v)


def last(sec, key, default=None):
    v = sec.get(key)
    return v[-1] if v else default


def unit_env(svc):
    env = {}
    for item in svc.get("EnvironmentFile", []):
        optional = item.startswith("-")
        path = item.lstrip("-")
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                for line in f:
                    line = line.strip()
                    if line and not line.startswith("#") and "=" in line:
                        k, v = line.split("=", 1)
                        env[k.strip().removeprefix("export ").strip()] = v.strip().strip("'\"")
        except OSError:
            if not optional:
                raise
    for item in svc.get("Environment", []):
        for pair in shlex.split(item):
            if "=" in pair:
                k, v = pair.split("=", 1)
                env[k] = v
    return env


def command(line, env):
    """An Exec line as argv, with its prefixes and ${VAR} / $VAR expanded from the environment."""
    flags = ""
    while line and line[0] in "-@+!:":
        flags += line[0]
        line = line[1:]
    line = re.sub(r"\$\{(\w+)\}", lambda m: env.get(m.group(1), ""), line)
    argv = [re.sub(r"^\$(\w+)$", lambda m: env.get(m.group(1), ""), a) for a in shlex.split(line)]
    return argv, "-" in flags


def enabled_units():
    """Units with a link in one of the user unit folder's *.wants folders (what `enable` makes)."""
    out = []
    try:
        for d in sorted(os.listdir(UNIT_DIR)):
            if d.endswith(".wants") and os.path.isdir(f"{UNIT_DIR}/{d}"):
                out += [n for n in sorted(os.listdir(f"{UNIT_DIR}/{d}")) if n.endswith(".service")]
    except OSError:
        pass
    return list(dict.fromkeys(out))


def is_enabled(name):
    return name in enabled_units()


# --- the supervisor ------------------------------------------------------------------------

class Service:
    def __init__(self, name):
        self.name = name
        self.state, self.sub = "inactive", "dead"
        self.proc = None
        self.since = time.time()
        self.starts = []
        self.restarts = 0
        self.result = None
        self.stopping = False
        self.lock = threading.RLock()

    def load(self):
        path = find_unit(self.name)
        if not path:
            raise LookupError(f"Unit {self.name} not found.")
        self.path = path
        self.unit = parse_unit(path, self.name)
        self.svc = self.unit.get("Service", {})

    def set(self, state, sub):
        self.state, self.sub, self.since = state, sub, time.time()

    def log(self):
        os.makedirs(LOGS, exist_ok=True)
        return open(f"{LOGS}/{self.name}.log", "ab")

    def spawn(self, argv, env, cwd, log):
        return subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                start_new_session=True, close_fds=True)

    def start(self):
        with self.lock:
            if self.state in ("active", "activating") and self.proc and self.proc.poll() is None:
                return
            self.load()
            now = time.time()
            self.starts = [t for t in self.starts if now - t < START_LIMIT[1]] + [now]
            if len(self.starts) > START_LIMIT[0]:
                self.set("failed", "failed")
                self.result = "start-limit-hit"
                return
            self.stopping = False
            env = {**os.environ, **unit_env(self.svc)}
            cwd = os.path.expanduser(last(self.svc, "WorkingDirectory", HOME).lstrip("-").replace("~", HOME, 1))
            log = self.log()
            log.write(f"-- {time.strftime('%Y-%m-%d %H:%M:%S')} starting {self.name}\n".encode())
            log.flush()
            self.set("activating", "start-pre")
            for line in self.svc.get("ExecStartPre", []):
                argv, may_fail = command(line, env)
                code = self.spawn(argv, env, cwd, log).wait()
                if code != 0 and not may_fail:
                    self.result = f"ExecStartPre exited {code}"
                    self.set("failed", "failed")
                    return
            lines = self.svc.get("ExecStart", [])
            if not lines:
                self.result = "no ExecStart"
                self.set("failed", "failed")
                return
            argv, _ = command(lines[0], env)
            try:
                self.proc = self.spawn(argv, env, cwd, log)
            except OSError as e:
                log.write(f"-- could not start {argv[0]}: {e}\n".encode())
                self.result = str(e)
                self.set("failed", "failed")
                return
            self.set("active", "running")
            threading.Thread(target=self.watch, args=(self.proc, env, cwd, log), daemon=True).start()

    def watch(self, proc, env, cwd, log):
        code = proc.wait()
        with self.lock:
            if proc is not self.proc:
                return
            for line in self.svc.get("ExecStopPost", []):
                argv, _ = command(line, env)
                self.spawn(argv, env, cwd, log).wait()
            oneshot = last(self.svc, "Type", "simple") == "oneshot"
            clean = code == 0
            self.result = "success" if clean else (f"signal {-code}" if code < 0 else f"exit-code {code}")
            log.write(f"-- {time.strftime('%Y-%m-%d %H:%M:%S')} {self.name} ended: {self.result}\n".encode())
            log.flush()
            if self.stopping:
                self.set("inactive", "dead")
                return
            if oneshot and clean:
                self.set("active", "exited") if last(self.svc, "RemainAfterExit", "no") in ("yes", "true", "1") else self.set("inactive", "dead")
                return
            policy = last(self.svc, "Restart", "no")
            again = policy == "always" or (policy == "on-success" and clean) or \
                (policy == "on-failure" and not clean) or (policy == "on-abnormal" and code < 0)
            if not again:
                self.set("inactive" if clean else "failed", "dead" if clean else "failed")
                return
            self.set("activating", "auto-restart")
            delay = seconds(last(self.svc, "RestartSec", "100ms"))
        time.sleep(max(delay, 0.1))
        with self.lock:
            if self.stopping or self.sub != "auto-restart":
                return
            self.restarts += 1
            self.start()

    def stop(self):
        with self.lock:
            self.stopping = True
            proc = self.proc
            if not proc or proc.poll() is not None:
                if self.state != "failed":
                    self.set("inactive", "dead")
                return
            self.set("deactivating", "stop-sigterm")
            timeout = seconds(last(self.svc, "TimeoutStopSec", "10s"))
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
        with self.lock:
            self.set("inactive", "dead")

    def view(self):
        return {"name": self.name, "state": self.state, "sub": self.sub, "pid": self.proc.pid if self.proc and self.proc.poll() is None else None,
                "since": self.since, "restarts": self.restarts, "result": self.result, "enabled": is_enabled(self.name),
                "description": last(getattr(self, "unit", {}).get("Unit", {}), "Description", ""), "path": getattr(self, "path", find_unit(self.name))}


def seconds(v):
    m = re.fullmatch(r"\s*([\d.]+)\s*(ms|s|sec|min|m)?\s*", v or "")
    if not m:
        return 0.1
    n = float(m.group(1))
    return n / 1000 if m.group(2) == "ms" else n * 60 if m.group(2) in ("min", "m") else n


class Supervisor:
    def __init__(self):
        self.services = {}
        self.lock = threading.Lock()

    def get(self, name):
        with self.lock:
            return self.services.setdefault(name, Service(name))

    def handle(self, req):
        op, names = req.get("op"), [unit_name(n) for n in req.get("units", [])]
        out = []
        for n in names:
            s = self.get(n)
            try:
                if op == "start":
                    s.start()
                elif op == "stop":
                    s.stop()
                elif op == "restart":
                    s.stop()
                    s.starts = []
                    s.start()
                elif op == "reset-failed":
                    s.starts, s.result = [], None
                    if s.state == "failed":
                        s.set("inactive", "dead")
                out.append(s.view())
            except (LookupError, OSError) as e:
                out.append({"name": n, "error": str(e)})
        if op == "list":
            with self.lock:
                out = [s.view() for s in self.services.values()]
        return {"units": out}

    def serve(self):
        os.makedirs(RUNTIME, exist_ok=True)
        try:
            os.unlink(SOCK)
        except FileNotFoundError:
            pass
        srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        srv.bind(SOCK)
        os.chmod(SOCK, 0o600)
        srv.listen(16)
        for n in enabled_units():
            threading.Thread(target=self.boot, args=(n,), daemon=True).start()
        while True:
            conn, _ = srv.accept()
            threading.Thread(target=self.client, args=(conn,), daemon=True).start()

    def boot(self, name):
        try:
            self.get(name).start()
        except (LookupError, OSError) as e:
            sys.stderr.write(f"orgo-services: {name}: {e}\n")

    def client(self, conn):
        with conn:
            f = conn.makefile("rwb")
            line = f.readline()
            try:
                answer = self.handle(json.loads(line))
            except ValueError as e:
                answer = {"error": str(e)}
            f.write(json.dumps(answer).encode() + b"\n")
            f.flush()


# --- the commands people (and installers) type ---------------------------------------------

def ask(req, spawn=True):
    for attempt in range(60):
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(SOCK)
            f = s.makefile("rwb")
            f.write(json.dumps(req).encode() + b"\n")
            f.flush()
            return json.loads(f.readline())
        except (FileNotFoundError, ConnectionRefusedError):
            if not spawn:
                return {"units": []}
            if attempt == 0:
                # Not running yet (a session that started before it existed): start it now.
                subprocess.Popen([sys.executable, os.path.realpath(__file__), "supervise"], start_new_session=True,
                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, close_fds=True)
            time.sleep(0.05)
    sys.exit("systemctl: the computer's service manager did not answer")


def say(*a):
    print(*a, flush=True)


def ago(t):
    s = int(time.time() - t)
    return f"{s}s ago" if s < 60 else f"{s // 60}min {s % 60}s ago" if s < 3600 else f"{s // 3600}h {s % 3600 // 60}min ago"


def status_text(v):
    dot = "●" if v["state"] == "active" else "×" if v["state"] == "failed" else "○"
    lines = [f"{dot} {v['name']} - {v.get('description') or v['name']}",
             f"     Loaded: {'loaded (' + v['path'] + '; ' + ('enabled' if v['enabled'] else 'disabled') + ')' if v.get('path') else 'not-found'}",
             f"     Active: {v['state']} ({v['sub']}) since {time.strftime('%a %Y-%m-%d %H:%M:%S', time.localtime(v['since']))}; {ago(v['since'])}"]
    if v.get("pid"):
        lines.append(f"   Main PID: {v['pid']}")
    if v.get("restarts"):
        lines.append(f"   Restarts: {v['restarts']}")
    if v.get("result") and v["state"] != "active":
        lines.append(f"     Result: {v['result']}")
    return "\n".join(lines)


def enable(names, now, quiet):
    code = 0
    for n in names:
        path = find_unit(n)
        if not path:
            sys.stderr.write(f"Failed to enable unit: Unit file {n} does not exist.\n")
            code = 1
            continue
        for target in parse_unit(path, n).get("Install", {}).get("WantedBy", ["default.target"]):
            for t in target.split():
                d = f"{UNIT_DIR}/{t}.wants"
                os.makedirs(d, exist_ok=True)
                link = f"{d}/{n}"
                if not os.path.lexists(link):
                    os.symlink(path, link)
                    if not quiet:
                        sys.stderr.write(f"Created symlink {link} → {path}.\n")
    if now and code == 0:
        code = act("start", names)
    return code


def disable(names, now, quiet):
    for n in names:
        for d in os.listdir(UNIT_DIR) if os.path.isdir(UNIT_DIR) else []:
            link = f"{UNIT_DIR}/{d}/{n}"
            if d.endswith(".wants") and os.path.lexists(link):
                os.unlink(link)
                if not quiet:
                    sys.stderr.write(f"Removed \"{link}\".\n")
    return act("stop", names) if now else 0


def act(op, names):
    code = 0
    for v in ask({"op": op, "units": names})["units"]:
        if v.get("error"):
            sys.stderr.write(f"Failed to {op} {v['name']}: {v['error']}\n")
            code = 5
        elif op in ("start", "restart") and v["state"] == "failed":
            sys.stderr.write(f"Job for {v['name']} failed ({v.get('result')}). See: journalctl --user -u {v['name']}\n")
            code = 1
    return code


def views(names):
    known = {v["name"]: v for v in ask({"op": "list"}, spawn=False)["units"]}
    out = []
    for n in names:
        v = known.get(n) or {"name": n, "state": "inactive", "sub": "dead", "since": time.time(), "pid": None, "restarts": 0,
                             "result": None, "enabled": is_enabled(n), "path": find_unit(n), "description": ""}
        if not v.get("description") and v.get("path"):
            v["description"] = last(parse_unit(v["path"], n).get("Unit", {}), "Description", "")
        out.append(v)
    return out


def systemctl(args):
    flags = {a for a in args if a.startswith("-")}
    words = [a for a in args if not a.startswith("-")]
    props = []
    for i, a in enumerate(args):
        if a in ("-p", "--property") and i + 1 < len(args):
            props += args[i + 1].split(",")
            words.remove(args[i + 1])
        elif a.startswith("--property="):
            props += a.split("=", 1)[1].split(",")
    if "--user" not in flags and os.getuid() == 0 and "--version" not in flags:
        sys.stderr.write("This computer runs services for its desktop user: use `systemctl --user …` as user "
                         "(services installed for root are not started by it).\n")
        return 1
    if "--version" in flags:
        say("systemd 252 (orgo-services: the computer's own service manager)")
        return 0
    verb, names = (words[0] if words else "list-units"), [unit_name(n) for n in words[1:]]
    quiet = bool(flags & {"-q", "--quiet"})
    now = "--now" in flags
    if verb in ("daemon-reload", "daemon-reexec", "import-environment", "set-environment", "unset-environment", "reset-failed") and not names:
        return 0
    if verb in ("start", "stop", "restart", "reset-failed"):
        return act(verb, names)
    if verb in ("try-restart", "reload", "reload-or-restart", "try-reload-or-restart"):
        return act("restart", names)
    if verb == "enable":
        return enable(names, now, quiet)
    if verb == "disable":
        return disable(names, now, quiet)
    if verb == "is-enabled":
        states = ["enabled" if is_enabled(n) else "disabled" if find_unit(n) else "not-found" for n in names]
        if not quiet:
            say("\n".join(states))
        return 0 if all(s == "enabled" for s in states) else 1
    if verb in ("is-active", "is-failed"):
        vs = views(names)
        if not quiet:
            say("\n".join(v["state"] for v in vs))
        want = "active" if verb == "is-active" else "failed"
        return 0 if vs and all(v["state"] == want for v in vs) else (3 if verb == "is-active" else 1)
    if verb == "status":
        vs = views(names) if names else views([v["name"] for v in ask({"op": "list"}, spawn=False)["units"]])
        say("\n\n".join(status_text(v) for v in vs))
        return 0 if vs and all(v["state"] == "active" for v in vs) else 3
    if verb == "show":
        for v in views(names):
            table = {"Id": v["name"], "ActiveState": v["state"], "SubState": v["sub"], "MainPID": v.get("pid") or 0,
                     "NRestarts": v.get("restarts", 0), "LoadState": "loaded" if v.get("path") else "not-found",
                     "UnitFileState": "enabled" if v["enabled"] else "disabled", "FragmentPath": v.get("path") or "", "Result": v.get("result") or "success"}
            for k in props or table:
                say(str(table.get(k, "")) if "--value" in flags else f"{k}={table.get(k, '')}")
        return 0
    if verb == "cat":
        for n in names:
            p = find_unit(n)
            if p:
                say(f"# {p}")
                say(open(p).read())
        return 0
    if verb in ("list-units", "list-unit-files"):
        files = sorted({f for d in UNIT_DIRS if os.path.isdir(d) for f in os.listdir(d) if f.endswith(".service")})
        for v in views(files):
            say(f"{v['name']:<40} {'enabled' if v['enabled'] else 'disabled':<9} {v['state']:<9} {v['sub']}")
        return 0
    if verb == "show-environment":
        for k, v in sorted(os.environ.items()):
            say(f"{k}={v}")
        return 0
    sys.stderr.write(f"systemctl: {verb} is not something this computer's service manager does\n")
    return 1


def journalctl(args):
    units = [unit_name(args[i + 1]) for i, a in enumerate(args) if a in ("-u", "--unit") and i + 1 < len(args)]
    units += [unit_name(a.split("=", 1)[1]) for a in args if a.startswith("--unit=")]
    n = 10 if "-e" in args or "-n" in args or "--lines" in args else None
    for i, a in enumerate(args):
        if a in ("-n", "--lines") and i + 1 < len(args) and args[i + 1].isdigit():
            n = int(args[i + 1])
    follow = "-f" in args or "--follow" in args
    if not units:
        units = sorted(f[:-4] for f in os.listdir(LOGS)) if os.path.isdir(LOGS) else []
    for u in units:
        try:
            with open(f"{LOGS}/{u}.log", encoding="utf-8", errors="replace") as f:
                lines = f.readlines()
                sys.stdout.write("".join(lines[-n:] if n else lines))
                sys.stdout.flush()
                while follow:
                    line = f.readline()
                    if line:
                        sys.stdout.write(line)
                        sys.stdout.flush()
                    else:
                        time.sleep(0.2)
        except FileNotFoundError:
            say("-- No entries --")
    return 0


def loginctl(args):
    # The desktop user's services run whenever the computer runs: lingering is always on.
    if "show-user" in args:
        say("Linger=yes")
    return 0


def main():
    tool = os.path.basename(sys.argv[0])
    args = sys.argv[1:]
    if args[:1] == ["supervise"]:
        Supervisor().serve()
    elif tool == "journalctl":
        sys.exit(journalctl(args))
    elif tool == "loginctl":
        sys.exit(loginctl(args))
    else:
        sys.exit(systemctl(args))


if __name__ == "__main__":
    main()
