"""``POST /v1/enroll``: a new PC exchanges its one-time code (no token yet, so no auth).

Body ``{"code": ..., "claim": ..., "check": bool}``. ``check`` only says what the
code is for (the PC compares it with its own configuration before using the code);
otherwise the answer carries the token and how many rows each dataset holds, which
the PC's progress bar uses as its totals. Refusals are 400 (malformed), 404
(unknown), 409 (used) or 410 (expired) with ``{"error": "enrollment_<reason>"}``.
"""

from __future__ import annotations

import json
import logging

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sync.hq.enrollment import Enrollment, EnrollmentRefused
from sync.hq.service import HQService, now_iso
from sync.protocol import version

log = logging.getLogger(__name__)
STATUS = {"malformed": 400, "unknown": 404, "used": 409, "expired": 410}
MAX_BODY = 4096


def _answer(data: dict, status: int = 200) -> Response:
    return JSONResponse(data, status_code=status, headers={"X-HQ-Time": now_iso()})


def enrollment_routes(service: HQService) -> list[Route]:
    enrollment = Enrollment(service.engine)

    def exchange(payload: dict) -> dict:
        code, claim = payload.get("code"), payload.get("claim")
        if not isinstance(code, str) or (claim is not None and not isinstance(claim, str)):
            raise EnrollmentRefused("malformed", "'code' and 'claim' must be strings")
        if payload.get("check") is True:
            info = enrollment.inspect(code, claim)
            return {"store_id": info.store_id, "terminal_id": info.terminal_id,
                    "expires_at": info.expires_at, "used": info.used,
                    "claimed_by_you": info.claimed_by_caller}
        info, token = enrollment.redeem(code, claim or "")
        log.info("enrollment code used by terminal %s/%s", info.store_id, info.terminal_id)
        return {"store_id": info.store_id, "terminal_id": info.terminal_id, "token": token,
                "datasets": enrollment.dataset_sizes(info.store_id),
                "protocol": list(version.HQ_ACCEPTS)}

    async def post_enroll(request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_BODY:
            return _answer({"error": "enrollment_malformed", "message": "body too large"}, 400)
        try:
            payload = json.loads(body)
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            return _answer({"error": "enrollment_malformed", "message": "body must be an object"}, 400)
        try:
            return _answer(await run_in_threadpool(exchange, payload))
        except EnrollmentRefused as exc:
            log.warning("enrollment refused (%s) for %s", exc.reason, request.client)
            return _answer({"error": f"enrollment_{exc.reason}", "message": str(exc)},
                           STATUS[exc.reason])

    return [Route("/v1/enroll", post_enroll, methods=["POST"])]
