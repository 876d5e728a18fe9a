"""What curl itself can move over loopback on this machine, run by bench/files.ts.

No HTTP stack at all on this side: an upload's body is read into one reused 1 MB buffer and
dropped (recv_into), a download is sent by sendfile(2) straight from the page cache. Whatever
rate curl reaches against this is its own ceiling, which no server can raise. Prints its port;
ends when its stdin closes.
"""
import os
import re
import socket
import sys
import threading

path = sys.argv[1]
size = os.path.getsize(path)
buf = bytearray(1 << 20)


def serve(c):
    with c:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = c.recv(65536)
            if not chunk:
                return
            head += chunk
        head, _, body = head.partition(b"\r\n\r\n")
        if head.startswith(b"POST"):
            m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
            left = int(m.group(1)) - len(body) if m else 0
            if re.search(rb"(?im)^expect:\s*100-continue", head):
                c.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
            while left > 0:
                n = c.recv_into(buf, min(left, len(buf)))
                if n == 0:
                    return
                left -= n
            c.sendall(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}")
        else:
            c.sendall(b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\nconnection: close\r\n\r\n" % size)
            with open(path, "rb") as f:
                c.sendfile(f)


def accept(s):
    while True:
        c, _ = s.accept()
        serve(c)


s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
print(f"port {s.getsockname()[1]}", flush=True)
threading.Thread(target=accept, args=(s,), daemon=True).start()
sys.stdin.read()
