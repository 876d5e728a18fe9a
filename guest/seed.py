"""Prepares a computer's disk: its own layer over the base system, and its /home/user.

Runs before the root is built, as full root on the host's view of the disk. What is written
once (accounts, sudo, hidden host folders) is kept, so changes made inside the computer,
like a new password or an installed package, survive; what names the computer is rewritten
at every boot.
"""
import json
import os
import stat

USER, UID, GID = "user", 1000, 1000

# Host content under the base folders that a computer must not see, hidden in the
# computer's own layer: opaque folders start empty, whiteouts remove a file.
OPAQUE = ("var/log", "var/backups", "var/mail", "var/spool", "var/tmp", "var/cache/private",
          "var/lib/private", "var/lib/docker", "var/lib/containerd", "var/lib/sudo",
          "var/lib/postgresql", "var/lib/mysql", "var/lib/redis", "var/www", "etc/ssl/private")


def seed(disk, hostname):
    first = not os.path.exists(f"{disk}/upper/etc")
    for d in ("upper/usr", "upper/etc", "upper/var", "work/usr", "work/etc", "work/var", "root", "opt"):
        os.makedirs(f"{disk}/{d}", exist_ok=True)
    os.chmod(f"{disk}/root", 0o700)
    if first:
        _hide_host_content(disk)
        _write_accounts(f"{disk}/upper/etc")
    _write_home(f"{disk}/home")
    etc = f"{disk}/upper/etc"
    _write(f"{etc}/hostname", f"{hostname}\n")
    _write(f"{etc}/hosts", f"127.0.0.1\tlocalhost\n127.0.1.1\t{hostname}\n::1\tlocalhost ip6-localhost ip6-loopback\n")
    _write_resolv_conf(etc, os.environ.get("ORGO_RESOLV"))
    _write_browser_policy(etc)
    if not os.path.exists(f"{etc}/machine-id"):
        _write(f"{etc}/machine-id", os.urandom(16).hex() + "\n")


RESOLV_MARK = "# Written by the Orgo host"


def _write_resolv_conf(etc, text):
    """The host's resolver sits on its loopback, which a computer cannot reach: the host hands over
    a resolv.conf naming its forwarder (host/runtime/dns.ts). One the computer's user wrote stays;
    the host's own shows through again once the host no longer writes one."""
    path = f"{etc}/resolv.conf"
    try:
        ours = os.path.islink(path) is False and open(path).read().startswith(RESOLV_MARK)
    except OSError:
        ours = not os.path.lexists(path)
    if not ours:
        return
    if text:
        _write(path, text)
    elif os.path.exists(path):
        os.unlink(path)


def _hide_host_content(disk):
    for rel in OPAQUE:
        path = f"{disk}/upper/{rel}"
        os.makedirs(path, exist_ok=True)
        os.setxattr(path, "trusted.overlay.opaque", b"y")
    os.chmod(f"{disk}/upper/var/tmp", 0o1777)
    ssh = "/etc/ssh"
    if os.path.isdir(ssh):
        os.makedirs(f"{disk}/upper/etc/ssh", exist_ok=True)
        for name in os.listdir(ssh):
            if name.startswith("ssh_host_"):
                # An overlay whiteout: a 0/0 character device hides the host's key.
                os.mknod(f"{disk}/upper/etc/ssh/{name}", stat.S_IFCHR, os.makedev(0, 0))


def _write_accounts(etc):
    """The host's system accounts plus `user`; never the host's people or password hashes."""
    def system(path, id_field):
        out = []
        for line in open(path):
            f = line.rstrip("\n").split(":")
            if len(f) > id_field and f[id_field].isdigit() and (int(f[id_field]) < 1000 or int(f[id_field]) == 65534):
                out.append(f)
        return out

    users = system("/etc/passwd", 2)
    groups = system("/etc/group", 2)
    names = [u[0] for u in users]
    users.append([USER, "x", str(UID), str(GID), "Orgo", f"/home/{USER}", "/bin/bash"])
    groups.append([USER, "x", str(GID), ""])
    for g in groups:
        if g[0] in ("sudo", "audio", "video", "users"):
            g[3] = ",".join([m for m in g[3].split(",") if m in names] + [USER])
        else:
            g[3] = ",".join(m for m in g[3].split(",") if m in names)
    _write(f"{etc}/passwd", "".join(":".join(u) + "\n" for u in users))
    _write(f"{etc}/group", "".join(":".join(g) + "\n" for g in groups))
    _write(f"{etc}/shadow", "".join(f"{u[0]}:*:19000:0:99999:7:::\n" for u in users), 0o640)
    _write(f"{etc}/gshadow", "".join(f"{g[0]}:*::{g[3]}\n" for g in groups), 0o640)
    for name in ("shadow", "gshadow"):
        try:
            import grp
            os.chown(f"{etc}/{name}", 0, grp.getgrnam("shadow").gr_gid)
        except (LookupError, OSError):
            pass
    os.makedirs(f"{etc}/sudoers.d", exist_ok=True)
    _write(f"{etc}/sudoers.d/orgo-user", f"{USER} ALL=(ALL:ALL) NOPASSWD:ALL\n", 0o440)
    # Chromium on this machine has no network beyond package mirrors; keep it quiet and quick.
    os.makedirs(f"{etc}/chromium.d", exist_ok=True)
    _write(f"{etc}/chromium.d/orgo",
           'export CHROMIUM_FLAGS="$CHROMIUM_FLAGS --no-first-run --disable-background-networking '
           '--disable-component-update --disable-sync --password-store=basic"\n')


def _write_browser_policy(etc):
    """Chromium opens maximized on a plain local start page (no third-party new-tab page). Recommended,
    not mandatory: a person may still choose another home page inside the computer."""
    start = "file:///etc/orgo/start.html"
    os.makedirs(f"{etc}/chromium/policies/recommended", exist_ok=True)
    _write(f"{etc}/chromium/policies/recommended/orgo-start.json", json.dumps({
        "HomepageLocation": start, "HomepageIsNewTabPage": False, "NewTabPageLocation": start,
        "RestoreOnStartup": 4, "RestoreOnStartupURLs": [start], "ShowHomeButton": True,
    }, indent=1) + "\n")
    # Sourced by Debian's /usr/bin/chromium with the command's arguments in "$@": the window
    # fills the screen unless the command asks for a size or a place of its own.
    _write(f"{etc}/chromium.d/orgo-window",
           'case " $* " in *" --window-size"*|*" --window-position"*|*" --start-fullscreen"*|*" --kiosk"*|*" --app="*) ;;\n'
           '  *) CHROMIUM_FLAGS="$CHROMIUM_FLAGS --start-maximized" ;;\nesac\n')


def _write_home(home):
    if os.path.isdir(home):
        return
    import shutil  # imported by the zygote (zygote.py): with it come bz2, lzma and fnmatch
    shutil.copytree("/etc/skel", home, symlinks=True)
    for sub in ("Desktop", "Downloads", "Documents"):
        os.makedirs(f"{home}/{sub}", exist_ok=True)
    for dirpath, dirnames, filenames in os.walk(home):
        os.chown(dirpath, UID, GID)
        for n in filenames:
            os.lchown(os.path.join(dirpath, n), UID, GID)
    os.chmod(home, 0o750)


def _write(path, text, mode=0o644):
    tmp = f"{path}.orgo-tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.chmod(tmp, mode)
    os.replace(tmp, path)
