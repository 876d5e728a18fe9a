"""Builds one computer's root filesystem inside the namespaces that `unshare` made for it.

Runs as the computer's pid 1, still with full root capabilities, before anything of the
computer starts. Every mount here lives only in the computer's own mount namespace: nothing
leaks to the host, and all of it vanishes with the namespace even if the host is killed.

Why not bubblewrap: bwrap always sets NO_NEW_PRIVS, so `sudo apt-get install` inside a
computer could never work, and Debian 12's bwrap 0.8 cannot mount overlays. These are the
same system calls bwrap makes, written out.
"""
import ctypes
import os

libc = ctypes.CDLL(None, use_errno=True)
libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}[os.uname().machine]  # not `platform`: 11 ms to import

# The host's system folders that form the computer's read-only base. Never "/" itself:
# /root, /home and the host's data dir must not show through.
BASE_DIRS = ("usr", "etc", "var")


def _b(s):
    return s.encode() if isinstance(s, str) else s


def mount(src, target, fstype=None, flags=0, data=None):
    if libc.mount(_b(src), _b(target), _b(fstype), flags, _b(data)) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {src} on {target}: {os.strerror(err)}")


def bind(src, target, readonly=False, flags=0):
    mount(src, target, None, MS_BIND | flags)
    if readonly:
        mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | flags)


def tmpfs(target, options, flags=MS_NOSUID | MS_NODEV):
    os.makedirs(target, exist_ok=True)
    mount("tmpfs", target, "tmpfs", flags, options)


def mask(path):
    """Hides a host path inside the computer: an empty tmpfs over a folder, /dev/null over a file."""
    if os.path.isdir(path) and not os.path.islink(path):
        tmpfs(path, "mode=0755,size=4k", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    elif os.path.exists(path):
        bind("/dev/null", path)


def build_root(root, disk, run, guest_dir, masks):
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    tmpfs(root, "mode=0755,size=64k", 0)
    for d in BASE_DIRS:
        target = f"{root}/{d}"
        os.makedirs(target)
        mount("overlay", target, "overlay", 0,
              f"lowerdir=/{d},upperdir={disk}/upper/{d},workdir={disk}/work/{d}")
    for link in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        if os.path.islink(f"/{link}"):
            os.symlink(os.readlink(f"/{link}"), f"{root}/{link}")
    for host_path in masks:
        if host_path.startswith(tuple(f"/{d}/" for d in BASE_DIRS)):
            mask(root + host_path)

    for d in ("home/user", "root", "opt", "tmp", "proc", "dev", "sys", "run/orgo", "run/user", "etc/orgo"):
        os.makedirs(f"{root}/{d}", exist_ok=True)
    bind(f"{disk}/home", f"{root}/home/user")
    bind(f"{disk}/root", f"{root}/root")
    bind(f"{disk}/opt", f"{root}/opt")
    # The desktop's session files, read-only and world-readable (openbox, panel, launchers).
    bind(f"{guest_dir}/desktop", f"{root}/etc/orgo", readonly=True)
    # The desktop's own builds of libraries its programs load (host/runtime/desktop-libs.ts).
    libs = os.environ.get("ORGO_LIBS", "")
    if libs and os.path.isdir(libs):
        os.makedirs(f"{root}/run/orgo-lib")
        bind(libs, f"{root}/run/orgo-lib", readonly=True)
    # No systemd runs in a computer: its systemctl, journalctl and loginctl are the computer's own
    # service manager (desktop/services.py), so installers of `systemctl --user` services work.
    for tool in ("systemctl", "journalctl", "loginctl"):
        target = f"{root}/usr/bin/{tool}"
        if not os.path.exists(target):
            open(target, "a").close()
        bind(f"{guest_dir}/desktop/services.py", target, readonly=True)
    tmpfs(f"{root}/tmp", "mode=1777")
    os.mkdir(f"{root}/tmp/.X11-unix", 0o1777)
    os.chmod(f"{root}/tmp/.X11-unix", 0o1777)
    # The X socket folder is shared with the host so that the host can drive the display.
    bind(f"{run}/x11", f"{root}/tmp/.X11-unix")
    # Guest and VNC sockets: mode 0700 root, so the desktop's user cannot reach RFB directly.
    bind(f"{run}/orgo", f"{root}/run/orgo")
    tmpfs(f"{root}/run/user", "mode=0755")

    _build_dev(f"{root}/dev")
    mount("proc", f"{root}/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    # What Docker masks too: kernel knobs read-only; sysrq, kcore and friends unreachable.
    for p in ("sys", "irq", "bus", "fs"):
        if os.path.exists(f"{root}/proc/{p}"):
            bind(f"{root}/proc/{p}", f"{root}/proc/{p}", readonly=True)
    for p in ("sysrq-trigger", "kcore", "keys", "timer_list"):
        if os.path.exists(f"{root}/proc/{p}"):
            bind("/dev/null", f"{root}/proc/{p}")
    # A fresh read-only sysfs, without the host's cgroup mounts beneath it.
    mount("sysfs", f"{root}/sys", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)

    os.chdir(root)
    os.mkdir(".old")
    if libc.syscall(SYS_PIVOT_ROOT, b".", b".old") != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"pivot_root: {os.strerror(err)}")
    os.chdir("/")
    if libc.umount2(b"/.old", MNT_DETACH) != 0:
        raise OSError(ctypes.get_errno(), "umount old root")
    os.rmdir("/.old")
    mount(None, "/", None, MS_REMOUNT | MS_BIND | MS_RDONLY)


def _build_dev(dev):
    """A minimal /dev, as container runtimes build it."""
    tmpfs(dev, "mode=0755,size=64k", MS_NOSUID)
    for name in ("null", "zero", "full", "random", "urandom", "tty"):
        open(f"{dev}/{name}", "w").close()
        bind(f"/dev/{name}", f"{dev}/{name}")
    os.mkdir(f"{dev}/pts")
    mount("devpts", f"{dev}/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620,gid=5")
    os.symlink("pts/ptmx", f"{dev}/ptmx")
    os.mkdir(f"{dev}/shm")
    mount("tmpfs", f"{dev}/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777")
    os.symlink("/proc/self/fd", f"{dev}/fd")
    for i, name in enumerate(("stdin", "stdout", "stderr")):
        os.symlink(f"/proc/self/fd/{i}", f"{dev}/{name}")
