"""The HQ HTTP API (Starlette). Handlers are plain functions: Starlette runs them
in its thread pool, so a slow database never blocks the event loop.

Every response carries ``X-HQ-Time`` so the terminal measures clock skew on
every exchange.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sync.hq.audit import MAX_AUDIT_PAGE, audit_page
from sync.hq.enrollment_api import enrollment_routes
from sync.hq import store_board
from sync.hq.negotiation import ProtocolGate
from sync.protocol.till_queue import QUEUE_HEADER
from sync.hq.service import (
    DEFAULT_PAGE,
    MAX_PAGE,
    AuthError,
    HQService,
    RequestError,
    TerminalIdentity,
    now_iso,
)

log = logging.getLogger(__name__)
MAX_BODY = 16 * 1024 * 1024
SMALL_BODY = 64 * 1024  # a return reservation or a reveal request: one small JSON object


def _json(data: Any, status: int = 200) -> Response:
    return JSONResponse(data, status_code=status, headers={"X-HQ-Time": now_iso()})


def _error(status: int, code: str, message: str) -> Response:
    return _json({"error": code, "message": message}, status)


async def _read_capped(request: Request, cap: int) -> bytes | None:
    """The body, read as it streams in; None as soon as it passes ``cap`` bytes (the rest is
    never read, so a huge body without Content-Length costs at most ``cap`` of memory)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _int_param(request: Request, name: str, default: int) -> int | None:
    """A non-negative 64-bit query parameter; None when it is anything else."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        return None
    return int(raw)


def create_app(service: HQService, *, show_codes: bool = False) -> ProtocolGate:
    """The HQ API and the enrollment page; ``show_codes`` (demo only) shows on the page the
    one-time code HQ would have sent by SMS."""
    health = store_board.TillHealth(service)

    def who(request: Request) -> TerminalIdentity:
        header = request.headers.get("authorization", "")
        token = header[7:] if header.lower().startswith("bearer ") else None
        return service.authenticate(token)

    async def post_events(request: Request) -> Response:
        try:
            terminal = who(request)
        except AuthError as exc:
            return _error(401, "unauthorized", str(exc))
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY:
            return _error(413, "too_large", f"at most {MAX_BODY} bytes per request")
        try:
            body = await _read_capped(request, MAX_BODY)
        except ClientDisconnect:
            return Response(status_code=400)  # nobody is listening; nothing was applied
        if body is None:
            return _error(413, "too_large", f"at most {MAX_BODY} bytes per request")
        try:
            batch = json.loads(body)
        except (ValueError, RecursionError):  # RecursionError: nested deeper than the parser goes
            return _error(400, "bad_json", "body is not JSON")
        try:
            result = await run_in_threadpool(service.ingest, terminal, batch)
        except RequestError as exc:
            return _error(400, "bad_request", str(exc))
        except Exception:  # a bug or a database outage: an answer the terminal can show, and the log
            log.exception("ingest failed for %s/%s", terminal.store_id, terminal.terminal_id)
            return _error(500, "internal", "HQ failed on this request; see HQ's log")
        await run_in_threadpool(health.heard, terminal, request.headers.get(QUEUE_HEADER))
        events = batch.get("events") if isinstance(batch, dict) else None
        if isinstance(events, list) and any(isinstance(e, dict) and e.get("kind") == cross_returns.EVENT_KIND
                                            for e in events):
            try:  # returns taken at a till: reserve / confirm at the ledger, after the commit
                await run_in_threadpool(cross_returns.settle_pending, service.engine, returnables, provider)
            except Exception:  # kept pending: the next batch settles it
                log.exception("returns taken by %s/%s not settled yet", terminal.store_id, terminal.terminal_id)
        return _json(result)

    def get_changes(request: Request) -> Response:
        try:
            terminal = who(request)
        except AuthError as exc:
            return _error(401, "unauthorized", str(exc))
        health.heard(terminal, request.headers.get(QUEUE_HEADER))
        name = request.path_params["name"]
        raw_limit = request.query_params.get("limit", str(DEFAULT_PAGE))
        limit = int(raw_limit) if raw_limit.isascii() and raw_limit.isdigit() and len(raw_limit) < 6 else 0
        if not 1 <= limit <= MAX_PAGE:
            return _error(400, "bad_request", f"limit must be an integer from 1 to {MAX_PAGE}")
        try:
            body = service.changes_json(terminal, name, request.query_params.get("cursor"), limit)
            return Response(body, media_type="application/json", headers={"X-HQ-Time": now_iso()})
        except KeyError:
            return _error(404, "unknown_dataset", f"no dataset {name!r}")
        except RequestError as exc:
            return _error(400, "bad_request", str(exc))

    def get_audit(request: Request) -> Response:
        try:
            terminal = who(request)
        except AuthError as exc:
            return _error(401, "unauthorized", str(exc))
        after, limit = _int_param(request, "after", 0), _int_param(request, "limit", MAX_AUDIT_PAGE)
        if after is None or limit is None or not 1 <= limit <= MAX_AUDIT_PAGE:
            return _error(400, "bad_request", f"after must be an integer >= 0, limit 1 to {MAX_AUDIT_PAGE}")
        return _json(audit_page(service.engine, terminal, after, limit))

    def get_time(_request: Request) -> Response:
        return _json({"server_time": now_iso()})

    def get_whoami(request: Request) -> Response:
        try:
            terminal = who(request)
        except AuthError as exc:
            return _error(401, "unauthorized", str(exc))
        return _json({"store_id": terminal.store_id, "terminal_id": terminal.terminal_id,
                      "last_seq": terminal.last_seq})

    from sync.hq.member_enrollment import MemberEnrollmentService
    from sync.hq.member_enrollment_page import member_enrollment_routes
    from sync.hq.members import MembersService

    from sync.hq.member_codes import MemberCodes
    from sync.hq.members import MemberError

    def publish(dataset: str, key: str, row: dict) -> int:
        return service.publish(dataset, key, row)

    members = MembersService(service.engine)
    enroll = MemberEnrollmentService(service.engine, members, publish=publish)
    from sync.hq.member_digest import MemberDigestKeys

    digests = MemberDigestKeys(service.engine)
    digests.publish(service)  # every store's tills find a member offline by the chain's digest
    from sync.hq.member_birthday import BirthdayCoupons

    codes = MemberCodes(service.engine, members, publish=publish, digests=digests,
                        birthdays=BirthdayCoupons(service.engine, publish))
    from sync.hq.member_browsing import MemberBrowsing

    browsing = MemberBrowsing(service.engine)
    from sync.hq.member_reveals import MemberReveals

    member_reveals = MemberReveals(service.engine)

    from sync.hq import cross_returns, exchange_credits
    from sync.hq.credit_note_api import credit_note_routes
    from sync.hq import member_history as history
    from sync.hq.order_refunds import SimulatedProvider
    from sync.hq.originals import Originals
    from sync.hq.returnables import ReturnablesService, ReturnAsk, ReturnRefused

    returnables = ReturnablesService(service.engine, cross_returns.load_original)
    from sync.hq.return_issues import publish_missing

    publish_missing(service.engine, cross_returns.load_original)  # recorded by an HQ before return issues
    originals = Originals(service.engine, returnables)
    provider = SimulatedProvider(service.engine)

    def find_originals(request: Request) -> Response:
        """Originals of a return from any store: ?kind=receipt|member|payment|sale&value=..."""
        try:
            who(request)
        except AuthError as exc:
            return _error(401, "unauthorized", str(exc))
        found = originals.find(request.query_params.get("kind", ""), request.query_params.get("value", ""))
        return _json({"originals": found})

    async def reserve_return(request: Request) -> Response:
        """Reserve what a return takes back (by its own id), across every store."""
        try:
            terminal = who(request)
        except AuthError as exc:
            return _error(401, "unauthorized", str(exc))
        try:
            body = await _read_capped(request, SMALL_BODY)
            if body is None:
                return _error(413, "too_large", f"at most {SMALL_BODY} bytes per request")
            data = json.loads(body)
            ask = ReturnAsk(str(data["return_id"]), str(data["original_ref"]), terminal.store_id, terminal.terminal_id,
                            {int(k): (int(v[0]), int(v[1])) for k, v in dict(data["lines"]).items()},
                            {str(k): int(v) for k, v in dict(data.get("tenders", {})).items()})
        except (ValueError, KeyError, TypeError, IndexError, RecursionError):
            return _error(400, "bad_request", "return_id, original_ref, lines {line_no: [qty, refund]}, tenders")
        if data.get("credit") is not None:  # an exchange: its credit is marked before the reservation
            try:
                credit = exchange_credits.parse(data["credit"], ask.tenders)
            except ValueError as exc:
                return _error(400, "bad_request", str(exc))

            def mark_credit() -> None:
                with service.engine.begin() as conn:
                    exchange_credits.mark(conn, ask.return_id, terminal.store_id, terminal.terminal_id, credit)

            try:
                await run_in_threadpool(mark_credit)
            except exchange_credits.CreditRefused as exc:
                return _json({"error": exc.code, "message": str(exc), "line_no": None, "method": None}, 409)
        if data.get("cash_instead") is True:  # marked first: a confirmed reservation never owes twice
            def mark() -> None:
                with service.engine.begin() as conn:
                    cross_returns.mark_cash_instead(conn, ask.return_id, terminal.store_id, terminal.terminal_id)

            await run_in_threadpool(mark)
        try:
            state = await run_in_threadpool(returnables.reserve, ask)
        except ReturnRefused as exc:
            return _json({"error": exc.code, "message": str(exc), "line_no": exc.line_no, "method": exc.method}, 409)
        effects = await run_in_threadpool(returnables.effects, ask.return_id)
        return _json({"return_id": ask.return_id, "state": state, "effects": effects.as_json()})

    def settle_return(request: Request) -> Response:
        try:
            who(request)
        except AuthError as exc:
            return _error(401, "unauthorized", str(exc))
        action = request.path_params["action"]
        if action not in ("confirm", "release"):
            return _error(404, "not_found", "confirm or release")
        try:
            state = (returnables.confirm if action == "confirm" else returnables.release)(request.path_params["rid"])
        except ReturnRefused as exc:
            return _error(409, exc.code, str(exc))
        if state == "confirmed" and cross_returns.owe_online_refund(service.engine, request.path_params["rid"]):
            cross_returns.pay_owed(service.engine, provider)  # an online order: back to its payment
        return _json({"return_id": request.path_params["rid"], "state": state,
                      "effects": returnables.effects(request.path_params["rid"]).as_json()})

    def find_member(request: Request) -> Response:
        """A member for the counter, by dynamic code, phone, card or id (masked data only)."""
        try:
            terminal = who(request)
        except AuthError as exc:
            return _error(401, "unauthorized", str(exc))
        digests.ensure_published(service, terminal.store_id)  # its tills find members offline by phone
        try:
            return _json(codes.find(request.query_params.get("q", ""), terminal.store_id))
        except MemberError as exc:
            status = {"member.unknown": 404, "member.code_replayed": 409, "member.code_expired": 410}.get(exc.code, 400)
            return _error(status, exc.code, str(exc))

    def search_members(request: Request) -> Response:
        """Members by the start of their name, for a manager the till cleared (masked phones)."""
        try:
            who(request)
        except AuthError as exc:
            return _error(401, "unauthorized", str(exc))
        try:
            return _json({"members": members.search_by_name(request.query_params.get("name", ""))})
        except MemberError as exc:
            return _error(400, exc.code, str(exc))

    def member_browsing(request: Request) -> Response:
        """What the member browsed online, for this visit only; empty without their consent."""
        try:
            terminal = who(request)
        except AuthError as exc:
            return _error(401, "unauthorized", str(exc))
        try:
            return _json(browsing.recent(request.path_params["member_id"], store_id=terminal.store_id))
        except MemberError as exc:
            return _error(404, exc.code, str(exc))

    def member_history(request: Request) -> Response:
        """The member's recent purchases in every channel and points ledger (behavioural data:
        the till asks only for a role cleared to see it)."""
        try:
            who(request)
        except AuthError as exc:
            return _error(401, "unauthorized", str(exc))
        member_id = request.path_params["member_id"]
        if len(member_id) > 16 or members.get(member_id) is None:
            return _error(404, "member.unknown", "no such member")
        return _json({"member_id": member_id,
                      "purchases": history.purchases(service.engine, originals, member_id),
                      "points": members.recent_points(member_id)})

    async def reveal_member(request: Request) -> Response:
        """One masked field (phone, birthday, address) for an operator the till cleared, with a reason; traced."""
        try:
            terminal = who(request)
        except AuthError as exc:
            return _error(401, "unauthorized", str(exc))
        try:
            body = await _read_capped(request, SMALL_BODY)
            if body is None:
                return _error(413, "too_large", f"at most {SMALL_BODY} bytes per request")
            data = json.loads(body)
            field, reason, operator = str(data["field"]), str(data["reason"]), str(data["operator_id"])
        except (ValueError, KeyError, TypeError, RecursionError):
            return _error(400, "bad_request", "field, reason, operator_id")
        try:
            answer = await run_in_threadpool(member_reveals.reveal, request.path_params["member_id"], field,
                                             reason=reason, operator_id=operator, store_id=terminal.store_id,
                                             terminal_id=terminal.terminal_id)
        except MemberError as exc:
            return _error(404 if exc.code in ("member.unknown", "privacy.no_value") else 400, exc.code, str(exc))
        return _json(answer)
    return ProtocolGate(Starlette(routes=[
        *member_enrollment_routes(enroll, who, show_codes=show_codes),
        Route("/v1/members/find", find_member, methods=["GET"]),
        Route("/v1/members/search", search_members, methods=["GET"]),
        Route("/v1/members/{member_id}/browsing", member_browsing, methods=["GET"]),
        Route("/v1/members/{member_id}/reveal", reveal_member, methods=["POST"]),
        Route("/v1/members/{member_id}/history", member_history, methods=["GET"]),
        Route("/v1/originals", find_originals, methods=["GET"]),
        Route("/v1/returns/reserve", reserve_return, methods=["POST"]),
        Route("/v1/returns/{rid}/{action:str}", settle_return, methods=["POST"]),
        *credit_note_routes(service, who),  # store credit notes (returns without a receipt)
        Route("/v1/events", post_events, methods=["POST"]),
        Route("/v1/datasets/{name}/changes", get_changes, methods=["GET"]),
        Route("/v1/audit", get_audit, methods=["GET"]),
        Route("/v1/time", get_time, methods=["GET"]),
        Route("/v1/terminal", get_whoami, methods=["GET"]),
        *enrollment_routes(service),
    ]))
