"""Streams between the host and the computer: terminals, audio and events.

The JSON lines on stdin/stdout suit small requests, but a terminal printing a log or 48 KB/s of
audio would queue behind them and share one pipe. Streams instead get one connection each on a
unix socket in /run/orgo (root-only; the host sees it as the computer's private folder): the
kernel's socket buffers give each stream its own flow control, and closing a connection ends
its stream.

Framing, both ways: one byte kind (J: a JSON object, B: raw bytes), four bytes big-endian
length, the payload. The first frame the host sends is a JSON header naming the channel.
"""
import json
import socket
import struct
import threading

import unix_socket

JSON, BYTES = b"J", b"B"
MAX_FRAME = 16 * 1024 * 1024
SOCKET = "/run/orgo/channels.sock"


class Closed(Exception):
    pass


class Conn:
    """One host connection. Sends may come from several threads; receives from one."""

    def __init__(self, sock):
        self.sock = sock
        self._send_lock = threading.Lock()
        self._buf = bytearray()

    def send_json(self, obj):
        self._send(JSON, json.dumps(obj, ensure_ascii=False).encode("utf-8"))

    def send_bytes(self, data):
        self._send(BYTES, data)

    def _send(self, kind, payload):
        with self._send_lock:
            try:
                self.sock.sendall(kind + struct.pack(">I", len(payload)) + payload)
            except OSError as e:
                raise Closed() from e

    def _read(self, n):
        while len(self._buf) < n:
            try:
                chunk = self.sock.recv(max(65536, n - len(self._buf)))
            except OSError as e:
                raise Closed() from e
            if not chunk:
                raise Closed()
            self._buf += chunk
        out = bytes(self._buf[:n])
        del self._buf[:n]
        return out

    def receive(self):
        """The next frame as ('J', dict) or ('B', bytes); Closed when the host hangs up."""
        head = self._read(5)
        kind, length = head[:1], struct.unpack(">I", head[1:])[0]
        if length > MAX_FRAME:
            raise Closed()
        payload = self._read(length)
        if kind == JSON:
            return "J", json.loads(payload)
        return "B", payload

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


def serve(handlers, path=SOCKET):
    """Listens on `path`; each connection's header picks a handler(conn, header) by `channel`."""
    server = unix_socket.listen(path)

    def accept():
        while True:
            sock, _ = server.accept()
            threading.Thread(target=_handle, args=(Conn(sock), handlers), daemon=True).start()

    threading.Thread(target=accept, name="channels", daemon=True).start()


def _handle(conn, handlers):
    try:
        kind, header = conn.receive()
        handler = handlers.get(header.get("channel")) if kind == "J" else None
        if handler is None:
            conn.send_json({"type": "error", "message": f"unknown channel {header!r}"[:200]})
            return
        handler(conn, header)
    except Closed:
        pass
    except Exception as e:  # one broken stream must not take the guest down
        try:
            conn.send_json({"type": "error", "message": str(e)})
        except Closed:
            pass
    finally:
        conn.close()
