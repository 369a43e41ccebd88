"""Words for the person at the till when a login or unlock is refused."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication

from store_client import store_time


def local_hhmm(moment: object) -> str:
    """Hours and minutes in the store's time zone (``--:--`` for no time)."""
    if isinstance(moment, (str, datetime)):
        return store_time.hhmm(moment)
    return "--:--"


def refusal_text(error: BaseException) -> str:
    """A clear sentence for a LoginRefused (by reason) or any other failure."""
    reason = getattr(error, "reason", None)
    # Unknown id and wrong PIN read alike, so the screen does not tell which ids exist.
    if reason == "unknown_operator":
        return QCoreApplication.translate("LoginMessages", "Wrong operator ID or PIN.")
    if reason == "wrong_pin":
        left = getattr(error, "attempts_left", None)
        if left is None:
            return QCoreApplication.translate("LoginMessages", "Wrong operator ID or PIN.")
        return QCoreApplication.translate(
            "LoginMessages",
            "Wrong operator ID or PIN. %1 attempt(s) left before this operator is locked.",
        ).replace("%1", str(left))
    if reason == "locked":
        return QCoreApplication.translate(
            "LoginMessages",
            "Too many wrong PINs: this operator is locked until %1. Ask a manager for help.",
        ).replace("%1", local_hhmm(getattr(error, "locked_until", None)))
    if reason == "inactive":
        return QCoreApplication.translate(
            "LoginMessages", "This operator account is disabled. Ask a manager.")
    if reason == "invalid_pin_format":
        return QCoreApplication.translate("LoginMessages", "A PIN is 4 to 12 digits.")
    message = str(error) or type(error).__name__
    return QCoreApplication.translate("LoginMessages", "Sign-in failed: %1").replace("%1", message)
