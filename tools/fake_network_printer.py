"""A fake ESC/POS network printer (TCP, 127.0.0.1 only) for tests, benchmarks and store IT demos.

Records the bytes of each connection, answers DLE EOT status queries sent at
the start of a connection like an Epson printer, answers ``GS r 1`` sent after a
job once it has read everything before it (left out of the recorded bytes), and
can misbehave on demand:

* ``mode="ok"``        reads everything, answers status: online, paper present;
* ``mode="paper_out"`` answers status: offline because the roll is empty;
* ``mode="no_status"`` reads everything but never answers a status query;
* ``mode="silent"``    accepts connections and then never reads or answers;
* ``mode="drop"``      closes the connection after ``drop_after`` bytes of data;
* ``mode="reset"``     reads ``drop_after`` bytes of data, then resets the connection (RST);
* ``mode="stop"``      reads ``drop_after`` bytes of data, then stops reading and
  answering and holds the connection open (a printer that jammed mid-receipt);
* ``stall_connection=n`` the n-th connection (1-based) stops reading after
  ``drop_after`` bytes of data and holds the socket open (a jammed printer).

Stops by itself after ``lifetime`` seconds at most.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from typing import Self

STATUS_OK = {1: 0x16, 4: 0x12}  # DLE EOT 1 / 4 answers: online, paper adequate
STATUS_PAPER_OUT = {1: 0x1E, 4: 0x72}  # off-line bit set; roll paper end (bits 5, 6)
GS_R_PAPER = b"\x1dr\x01"
GS_R_OK = 0x00  # paper sensors: paper present


class FakeNetworkPrinter:
    def __init__(self, mode: str = "ok", drop_after: int = 64, lifetime: float = 60.0,
                 stall_connection: int | None = None) -> None:
        self.mode = mode
        self.stall_connection = stall_connection
        self.drop_after = drop_after
        self.lifetime = lifetime
        self.connections: list[bytearray] = []  # job data per connection, status queries removed
        self.status_queries = 0
        self.confirm_queries = 0  # GS r after a job, answered
        self.first_byte_at: list[float] = []  # time.perf_counter() of each connection's first data byte
        self._lock = threading.Lock()
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # A printer's input buffer is small: so is ours, so a stalled or dropped
        # printer is felt by the sender as it is with real hardware.
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(16)
        self._server.settimeout(0.2)
        self.host, self.port = self._server.getsockname()
        self._stop = threading.Event()
        self._held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept_loop, name="fake-printer", daemon=True)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        self._deadline = time.monotonic() + self.lifetime
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        for conn in self._held:
            try:
                conn.close()
            except OSError:
                pass
        self._server.close()

    @property
    def received(self) -> bytes:
        with self._lock:
            return b"".join(bytes(c) for c in self.connections)

    def _accept_loop(self) -> None:
        while not self._stop.is_set() and time.monotonic() < self._deadline:
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if self.mode == "silent":
                self._held.append(conn)  # never read: the client's sends eventually block
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        data = bytearray()
        with self._lock:
            self.connections.append(data)
            stall = self.stall_connection == len(self.connections)
        buffer = b""
        in_status_phase = True
        conn.settimeout(0.2)
        try:
            while not self._stop.is_set() and time.monotonic() < self._deadline:
                want = 65536
                if self.mode in ("stop", "reset") and in_status_phase:
                    want = 3  # queries one at a time, so no job byte is read past the limit
                elif self.mode in ("stop", "reset"):
                    want = min(want, self.drop_after - len(data) - len(buffer))
                    if want <= 0 and self.mode == "stop":  # jammed: never reads or answers again
                        self._held.append(conn)
                        self._stop.wait(max(0.0, self._deadline - time.monotonic()))
                        return
                try:
                    chunk = conn.recv(want)
                except TimeoutError:
                    continue
                if not chunk:
                    return
                buffer += chunk
                while in_status_phase and len(buffer) >= 3 and buffer[:2] == b"\x10\x04":
                    n = buffer[2]
                    buffer = buffer[3:]
                    with self._lock:
                        self.status_queries += 1
                    if self.mode != "no_status":
                        table = STATUS_PAPER_OUT if self.mode == "paper_out" else STATUS_OK
                        conn.sendall(bytes((table.get(n, 0x12),)))
                if in_status_phase and (len(buffer) >= 3 or (buffer and buffer[:1] != b"\x10")):
                    in_status_phase = False
                if not in_status_phase and buffer:
                    confirm = buffer.endswith(GS_R_PAPER) and self.mode != "no_status"
                    if confirm:
                        buffer = buffer[:-len(GS_R_PAPER)]
                    # A query split across reads: keep its start until the rest arrives.
                    keep = next((k for k in (2, 1) if not confirm and buffer.endswith(GS_R_PAPER[:k])), 0)
                    with self._lock:
                        if not data and len(buffer) > keep:
                            self.first_byte_at.append(time.perf_counter())
                        data.extend(buffer[:len(buffer) - keep])
                    buffer = buffer[len(buffer) - keep:]
                    if self.mode == "drop" and len(data) >= self.drop_after:
                        conn.shutdown(socket.SHUT_RDWR)
                        return
                    if self.mode == "reset" and len(data) >= self.drop_after:
                        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                        return  # closed with linger 0: the client sees a reset
                    if confirm:
                        with self._lock:
                            self.confirm_queries += 1
                        conn.sendall(bytes((GS_R_OK,)))
                    if stall and len(data) >= self.drop_after:
                        self._held.append(conn)
                        self._stop.wait(max(0.0, self._deadline - time.monotonic()))
                        return
        finally:
            if conn not in self._held:
                conn.close()
