"""HQ's HTTP routes of the store credit ledger (sync/hq/credit_notes.py), for any store's till:

* ``GET /v1/credit-notes/{code}`` → ``{"code", "amount_minor", "remaining_minor"}``;
* ``POST /v1/credit-notes/{code}/spend`` with ``{"spend_id", "amount_minor"}`` →
  ``{"spend_id", "code", "amount_minor", "remaining_minor", "repeated"}``: at most what is left,
  once per spend id (a retry after a lost answer gets the same answer);
* ``POST /v1/credit-notes/{code}/release`` with ``{"spend_id"}`` →
  ``{"spend_id", "code", "restored_minor", "remaining_minor", "repeated"}``: what that spend of
  this till took goes back on the note, once (a spend id never taken is released all the same:
  it is dead from then on).

A refusal is a 409 (404 for an unknown note) with the ledger's code (``credit.forged``,
``credit.unknown``, ``credit.spent``, ``credit.above_remaining``, ...).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sync.hq.credit_notes import CreditRefused
from sync.hq.service import AuthError, HQService, TerminalIdentity

MAX_BODY = 4096


def _error(status: int, code: str, message: str) -> Response:
    return JSONResponse({"error": code, "message": message}, status_code=status)


def _refused(exc: CreditRefused) -> Response:
    return _error(404 if exc.code == "credit.unknown" else 409, exc.code, str(exc))


def credit_note_routes(service: HQService, who: Callable[[Request], TerminalIdentity]) -> list[Route]:
    def balance(request: Request) -> Response:
        try:
            who(request)
        except AuthError as exc:
            return _error(401, "unauthorized", str(exc))
        code = request.path_params["code"]
        try:
            amount, remaining = service.credit_note_balance(code)
        except CreditRefused as exc:
            return _refused(exc)
        return JSONResponse({"code": code, "amount_minor": amount, "remaining_minor": remaining})

    async def spend(request: Request) -> Response:
        try:
            terminal = who(request)
        except AuthError as exc:
            return _error(401, "unauthorized", str(exc))
        body = await request.body()
        try:
            if len(body) > MAX_BODY:
                raise ValueError("too large")
            data = json.loads(body)
            spend_id, amount = data["spend_id"], data["amount_minor"]
            if not isinstance(spend_id, str):
                raise TypeError("spend_id")
        except (ValueError, KeyError, TypeError, RecursionError):
            return _error(400, "bad_request", "a JSON object with spend_id and amount_minor")
        from starlette.concurrency import run_in_threadpool

        try:
            spent = await run_in_threadpool(service.spend_credit_note, terminal, request.path_params["code"],
                                            amount, spend_id)
        except CreditRefused as exc:
            return _refused(exc)
        return JSONResponse({"spend_id": spent.spend_id, "code": spent.code, "amount_minor": spent.amount_minor,
                             "remaining_minor": spent.remaining_minor, "repeated": spent.repeated})

    async def release(request: Request) -> Response:
        try:
            terminal = who(request)
        except AuthError as exc:
            return _error(401, "unauthorized", str(exc))
        body = await request.body()
        try:
            if len(body) > MAX_BODY:
                raise ValueError("too large")
            spend_id = json.loads(body)["spend_id"]
            if not isinstance(spend_id, str):
                raise TypeError("spend_id")
        except (ValueError, KeyError, TypeError, RecursionError):
            return _error(400, "bad_request", "a JSON object with spend_id")
        from starlette.concurrency import run_in_threadpool

        try:
            done = await run_in_threadpool(service.release_credit_note, terminal, request.path_params["code"],
                                           spend_id)
        except CreditRefused as exc:
            return _refused(exc)
        return JSONResponse({"spend_id": done.spend_id, "code": done.code, "restored_minor": done.restored_minor,
                             "remaining_minor": done.remaining_minor, "repeated": done.repeated})

    return [Route("/v1/credit-notes/{code}", balance, methods=["GET"]),
            Route("/v1/credit-notes/{code}/spend", spend, methods=["POST"]),
            Route("/v1/credit-notes/{code}/release", release, methods=["POST"])]
