"""The sign-in window's notice on a till that is not set up: what is missing, and the
command store IT runs to fix it (the command itself is not translated)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from store_client.config import PROVISION_HINT

MISSING = {
    "hq": QT_TRANSLATE_NOOP("SetupNotice", "No HQ address in the configuration."),
    "token": QT_TRANSLATE_NOOP("SetupNotice", "No HQ token on this PC."),
    "operators": QT_TRANSLATE_NOOP("SetupNotice", "No operators: nobody can sign in."),
    "catalog": QT_TRANSLATE_NOOP("SetupNotice", "The catalogue is empty."),
}


def setup_notice_text(missing: list[str]) -> str:
    """Empty when nothing is missing."""
    if not missing:
        return ""
    context = "SetupNotice"
    lines = [QCoreApplication.translate("SetupNotice", "This till is not set up yet.")]
    lines += [f"• {QCoreApplication.translate(context, MISSING[code])}"
              for code in missing if code in MISSING]
    lines += [QCoreApplication.translate("SetupNotice", "Store IT: run this command on this PC:"),
              PROVISION_HINT]
    return "\n".join(lines)
