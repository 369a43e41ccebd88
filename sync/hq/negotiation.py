"""The protocol gate in front of HQ's API (pure ASGI, so it adds no buffering).

A request from a till whose protocol HQ does not accept is answered ``426`` with a
JSON body naming the problem and HQ's range (see :mod:`sync.protocol.version`);
every answer says which versions HQ accepts.
"""

from __future__ import annotations

import json
from typing import Any

from sync.hq.service import now_iso
from sync.protocol import version


class ProtocolGate:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        accepts = version.HQ_ACCEPTS  # read per request: an HQ test may narrow it
        advertised = f"{accepts[0]}-{accepts[1]}".encode()
        headers = dict(scope.get("headers") or [])
        declared = version.parse(headers.get(version.HEADER.lower().encode(), b"").decode("latin-1"))
        refused = version.refusal(declared, accepts)
        if refused is not None:
            code, message = refused
            body = json.dumps({"error": code, "message": message, "hq_accepts": list(accepts)},
                              ensure_ascii=False).encode()
            await send({"type": "http.response.start", "status": 426, "headers": [
                (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                (version.HQ_HEADER.lower().encode(), advertised),
                (b"x-hq-time", now_iso().encode())]})
            await send({"type": "http.response.body", "body": body})
            return

        async def send_advertising(message: dict) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []),
                                                  (version.HQ_HEADER.lower().encode(), advertised)]}
            await send(message)

        await self.app(scope, receive, send_advertising)
