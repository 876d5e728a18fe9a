"""The guest's listening Unix sockets (the channels, the zygote, the sound server), made one way."""
import os
import socket


def listen(path, owner=None, backlog=64):
    """A stream socket listening at `path`, in place of any stale one, that only its owner may
    connect to (mode 0600 from the moment it exists: root's, or `owner`'s uid once handed over)."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o177)
    try:
        s.bind(path)
    finally:
        os.umask(old)
    if owner is not None:
        os.chown(path, owner, owner)
    s.listen(backlog)
    return s
