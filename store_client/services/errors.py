"""Exceptions raised by the application services.

Each carries a human message (``str(exc)``) fit to show to the person at the
counter, plus structured fields the UI can use to choose what to display.
"""

from __future__ import annotations

from datetime import datetime

LOGIN_REASONS = frozenset(
    {"unknown_operator", "wrong_pin", "locked", "inactive", "invalid_pin_format"})


class ServiceError(Exception):
    """Base of every expected service failure; ``message`` is for people (in English).

    ``code`` (e.g. ``"tender.cash_above_maximum"``) with its ``params`` lets the UI say the
    same in the operator's language (ui/service_messages.py); None: the UI shows ``message``.
    Amounts in ``params`` are integer fen under keys ending in ``_fen``.
    """

    def __init__(self, message: str, *, code: str | None = None,
                 params: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.params = dict(params or {})


class InvalidInput(ServiceError):
    """A value given to a service is not acceptable; ``field`` names it."""

    def __init__(self, field: str, message: str, *, code: str | None = None,
                 params: dict[str, object] | None = None) -> None:
        super().__init__(message, code=code, params=params)
        self.field = field


class NotFound(ServiceError):
    pass


class Conflict(ServiceError):
    pass


class LoginRefused(ServiceError):
    """A PIN check failed. The UI should show the same text for ``unknown_operator``
    and ``wrong_pin`` so that the screen does not reveal which ids exist."""

    def __init__(
        self,
        reason: str,
        message: str,
        *,
        locked_until: datetime | None = None,
        attempts_left: int | None = None,
    ) -> None:
        if reason not in LOGIN_REASONS:
            raise ValueError(f"unknown login refusal reason {reason!r}")
        super().__init__(message)
        self.reason = reason
        self.locked_until = locked_until
        self.attempts_left = attempts_left


class PermissionDenied(ServiceError):
    def __init__(self, permission: str, message: str) -> None:
        super().__init__(message)
        self.permission = permission


class ApprovalRequired(ServiceError):
    """The action is allowed only with a valid manager approval for it."""

    def __init__(self, permission: str, message: str) -> None:
        super().__init__(message)
        self.permission = permission


class ApprovalRefused(ServiceError):
    pass
