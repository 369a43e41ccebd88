"""Running the reference HQ in-process (demo, tests): uvicorn in a background thread.

The socket is bound by us on 127.0.0.1 with port 0 (the OS picks a free port)
before uvicorn starts, so there is no race between choosing and binding a port.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn

from sync.hq.app import create_app
from sync.hq.service import HQService, make_engine


class HQServer:
    """uvicorn serving ``service`` on 127.0.0.1; ``port=0`` picks a free port."""

    def __init__(self, service: HQService, host: str = "127.0.0.1", port: int = 0, *,
                 app: object | None = None) -> None:
        self.service = service
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        self.host, self.port = self.sock.getsockname()[:2]
        config = uvicorn.Config(app or create_app(service),  # type: ignore[arg-type]
                                log_level="warning", access_log=False,
                                lifespan="off", timeout_graceful_shutdown=2)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]},
                                       name=f"hq-{self.port}", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 10.0) -> HQServer:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("HQ server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


@dataclass
class EmbeddedHQ:
    url: str
    token: str
    server: HQServer = field(repr=False)

    @property
    def service(self) -> HQService:
        return self.server.service

    def stop(self) -> None:
        self.server.stop()
        self.server.service.engine.dispose()


def start_embedded_hq(data_dir: Path, store_id: str = "S001", terminal_id: str = "T01",
                      *, seed: bool = True) -> EmbeddedHQ:
    """HQ on 127.0.0.1 (free port) with its SQLite file in ``data_dir``; a token for the terminal."""
    from sync.hq.demo_data import seed_demo

    data_dir.mkdir(parents=True, exist_ok=True)
    service = HQService(make_engine(f"sqlite:///{data_dir / 'hq.sqlite3'}"))
    if seed:
        seed_demo(service, store_id)
    token = service.issue_token(store_id, terminal_id)
    # the demo HQ has no SMS gateway: the enrollment page shows the code it would send
    server = HQServer(service, app=create_app(service, show_codes=True)).start()
    return EmbeddedHQ(url=server.url, token=token, server=server)
