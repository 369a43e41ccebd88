"""A fault-injecting TCP proxy between terminal and HQ, on 127.0.0.1.

Each new client connection takes the next mode from ``plan`` (then ``pass``):

* ``pass``: forward both ways;
* ``reset_request``: read part of the request, then reset the connection (HQ sees nothing);
* ``lose_response``: forward the request, let HQ answer (it has committed), reset the client
  instead of passing the answer on: the classic source of duplicates;
* ``slow``: forward, but hold each response chunk for ``slow_delay`` seconds (one answer);
* ``blackhole``: accept and read, never answer (the client times out).

``refuse()`` closes the listening socket (connection refused) until ``listen()``.
Every thread is a daemon and every socket has a timeout, so nothing outlives a test.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections import Counter


def _rst(sock: socket.socket) -> None:
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    sock.close()


def _response_complete(data: bytes) -> bool:
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        return False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value.strip())
    return False


class FaultProxy:
    def __init__(self, upstream_port: int, *, slow_delay: float = 0.3) -> None:
        self.upstream_port = upstream_port
        self.slow_delay = slow_delay
        self.plan: list[str] = []
        self.seen: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._stopping = False
        self.port = 0
        self.listener: socket.socket | None = None
        self.listen()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def listen(self) -> None:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        self.port = sock.getsockname()[1]
        sock.listen(64)
        sock.settimeout(0.2)
        self.listener = sock
        threading.Thread(target=self._accept_loop, args=(sock,), daemon=True).start()

    def refuse(self) -> None:
        if self.listener is not None:
            self.listener.close()
            self.listener = None
            time.sleep(0.25)  # let the accept loop notice

    def stop(self) -> None:
        self._stopping = True
        self.refuse()

    def _accept_loop(self, sock: socket.socket) -> None:
        while not self._stopping and self.listener is sock:
            try:
                client, _ = sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                mode = self.plan.pop(0) if self.plan else "pass"
                self.seen[mode] += 1
            threading.Thread(target=self._handle, args=(client, mode), daemon=True).start()

    def _handle(self, client: socket.socket, mode: str) -> None:
        client.settimeout(10)
        if mode == "reset_request":
            try:
                client.recv(64)
            finally:
                _rst(client)
            return
        if mode == "blackhole":
            try:
                while client.recv(65536):
                    pass
            except OSError:
                pass
            client.close()
            return
        try:
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=10)
        except OSError:
            _rst(client)
            return
        threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
        buffered = b""
        try:
            while True:
                chunk = upstream.recv(65536)
                if not chunk:
                    break
                if mode == "lose_response":
                    buffered += chunk
                    if _response_complete(buffered):
                        break  # HQ has answered, so it has committed: the terminal never hears it
                    continue
                if mode == "slow":
                    time.sleep(self.slow_delay)
                client.sendall(chunk)
                if mode == "slow":
                    buffered += chunk
                    if _response_complete(buffered):
                        break  # one slow answer per connection, so the plan moves on
        except OSError:
            pass
        finally:
            upstream.close()
            if mode == "lose_response":
                _rst(client)
            else:
                client.close()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                chunk = src.recv(65536)
                if not chunk:
                    break
                dst.sendall(chunk)
        except OSError:
            pass
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass
