#!/bin/sh
# Assembles one computer's root filesystem inside fresh mount/pid/uts/ipc namespaces, then
# becomes the computer's init. Run by the host as:
#   unshare --mount --uts --ipc --pid --fork --propagation private -- sh enter.sh
# with ORGO_DISK (the computer's disk), ORGO_RUN (its runtime folder) and ORGO_HOSTNAME set.
# Why not bubblewrap: bwrap always sets NO_NEW_PRIVS (so `sudo` inside could never work) and
# Debian 12's bwrap 0.8 cannot mount overlays. Everything here is plain util-linux.
set -eu
disk="$ORGO_DISK"; run="$ORGO_RUN"; root="$run/root"

# Private mounts: nothing below is visible to the host or to other computers, and all of it
# disappears with the namespace, even if the host is killed.
mount -t tmpfs -o mode=0755,size=64k tmpfs "$root"
for d in usr etc var opt; do
  mkdir -p "$root/$d" "$disk/upper/$d" "$disk/work/$d"
  # The base is the host's system folders only, never "/": /root, /home and the host's data
  # dir must not show through.
  mount -t overlay overlay -o "lowerdir=/$d,upperdir=$disk/upper/$d,workdir=$disk/work/$d" "$root/$d"
done
for l in bin sbin lib lib32 lib64 libx32; do
  [ -L "/$l" ] && ln -s "$(readlink "/$l")" "$root/$l"
done
mkdir -p "$root/home/user" "$root/root" "$root/tmp" "$root/proc" "$root/dev" "$root/sys" "$root/run/orgo" "$root/.old"
mount --bind "$disk/home" "$root/home/user"
mount --bind "$disk/root" "$root/root"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$root/tmp"
mkdir -m 1777 "$root/tmp/.X11-unix"
mount --bind "$run/x11" "$root/tmp/.X11-unix"
mount --bind "$run/orgo" "$root/run/orgo"

# A minimal /dev, as container runtimes build it.
mount -t tmpfs -o mode=0755,nosuid,size=64k tmpfs "$root/dev"
for n in null zero full random urandom tty; do
  touch "$root/dev/$n"; mount --bind "/dev/$n" "$root/dev/$n"
done
mkdir "$root/dev/pts" "$root/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts "$root/dev/pts"
ln -s pts/ptmx "$root/dev/ptmx"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$root/dev/shm"
ln -s /proc/self/fd "$root/dev/fd"

mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
# What Docker masks too: kernel knobs stay read-only, and sysrq/kcore are not reachable at all.
for p in sys irq bus fs; do
  [ -e "$root/proc/$p" ] && mount --bind "$root/proc/$p" "$root/proc/$p" && mount -o remount,bind,ro "$root/proc/$p"
done
for p in sysrq-trigger kcore keys timer_list; do
  [ -e "$root/proc/$p" ] && mount --bind /dev/null "$root/proc/$p"
done
# A fresh read-only sysfs, without the host's cgroup mounts under it.
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$root/sys"
hostname "$ORGO_HOSTNAME"

cd "$root"
pivot_root . .old
umount -l /.old
rmdir /.old
mount -o remount,ro,bind / 2>/dev/null || true
cd /
# Root inside keeps a container's default capability set (as Docker's), nothing that reaches
# past the namespaces (no SYS_ADMIN, SYS_PTRACE, SYS_MODULE, NET_ADMIN, MKNOD, NET_RAW).
exec setpriv --inh-caps=-all --bounding-set=-all,+chown,+dac_override,+fowner,+fsetid,+kill,+setgid,+setuid,+setpcap,+net_bind_service,+sys_chroot,+setfcap,+audit_write \
  /usr/bin/python3 -I -S /run/orgo/agent.py
