"""The desktop itself: Xvnc (X server and VNC server in one process), then openbox, a panel
and a background. Only the display is awaited; the rest starts behind it so that `running`
is never delayed by anything slow."""
import os
import subprocess


class Desktop:
    def __init__(self, reaper, env):
        self.reaper = reaper
        w, h, depth = env.get("ORGO_RESOLUTION", "1280x720x24").split("x")
        self.geometry, self.depth = f"{w}x{h}", depth
        self.name = env["ORGO_HOSTNAME"]
        self.display_pid = None

    def start_display(self):
        log = open("/run/orgo/xvnc.log", "wb")
        argv = [
            "Xvnc", ":1", "-geometry", self.geometry, "-depth", self.depth, "-desktop", self.name,
            # No TCP and no abstract socket: only the /tmp/.X11-unix path, which is private to this
            # computer and shared with the host alone.
            "-nolisten", "tcp", "-nolisten", "local",
            # RFB only on a unix socket that only root (the host) can open.
            "-rfbport", "-1", "-rfbunixpath", "/run/orgo/vnc.sock", "-rfbunixmode", "0600",
            "-SecurityTypes", "VncAuth", "-PasswordFile", "/run/orgo/vncpasswd",
            "-AlwaysShared", "-AcceptSetDesktopSize=1", "-FrameRate=60",
            # GLX loads Mesa into the X server: 53 MB of each computer's ~107 MB. Chromium and the
            # desktop draw in software either way.
            "-extension", "GLX",
        ]
        env = {"PATH": "/usr/bin:/bin", "HOME": "/root", "ORGO_INSTANCE_ID": os.environ.get("ORGO_INSTANCE_ID", ""),
               # GnuTLS initialises itself as it loads (its trust store, p11-kit): ~0.16 MB of
               # every X server, for TLS that VncAuth on a unix socket never uses. TigerVNC
               # initialises it itself should a TLS security type ever be offered.
               "GNUTLS_NO_IMPLICIT_INIT": "1"}
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log, close_fds=True, env=env,
                             start_new_session=True)
        self.reaper.spawned()
        self.display_pid = p.pid

    def start_session(self):
        from procs import spawn_user
        os.makedirs("/run/user/1000", mode=0o700, exist_ok=True)
        os.chown("/run/user/1000", 1000, 1000)
        quiet = {"stdin": subprocess.DEVNULL, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        spawn_user(self.reaper, ["/bin/sh", "/etc/orgo/session.sh"], **quiet)
