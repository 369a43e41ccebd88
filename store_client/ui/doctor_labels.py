"""The doctor's results in the till's language: the check's name, its result, and what to
do. The doctor's own findings are English for store IT and support: they go to the
clipboard (and the support bundle), not onto the zh_CN screen."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

NAMES = {
    "config": QT_TRANSLATE_NOOP("DoctorLabels", "Configuration"),
    "database": QT_TRANSLATE_NOOP("DoctorLabels", "Database"),
    "disk": QT_TRANSLATE_NOOP("DoctorLabels", "Free disk space"),
    "permissions": QT_TRANSLATE_NOOP("DoctorLabels", "Data folder rights"),
    "keyring": QT_TRANSLATE_NOOP("DoctorLabels", "HQ token store"),
    "hq.reachable": QT_TRANSLATE_NOOP("DoctorLabels", "HQ reachable"),
    "hq.tls": QT_TRANSLATE_NOOP("DoctorLabels", "HQ certificate"),
    "hq.protocol": QT_TRANSLATE_NOOP("DoctorLabels", "Sync protocol version"),
    "hq.token": QT_TRANSLATE_NOOP("DoctorLabels", "HQ accepts this till"),
    "clock": QT_TRANSLATE_NOOP("DoctorLabels", "Clock against HQ"),
    "printer": QT_TRANSLATE_NOOP("DoctorLabels", "Receipt printer and paper"),
    "scanner": QT_TRANSLATE_NOOP("DoctorLabels", "Barcode scanner"),
    "fonts": QT_TRANSLATE_NOOP("DoctorLabels", "Fonts and translations"),
    "outbox": QT_TRANSLATE_NOOP("DoctorLabels", "Events waiting for HQ"),
    "pulls": QT_TRANSLATE_NOOP("DoctorLabels", "Data from HQ"),
}
RESULTS = {
    "ok": QT_TRANSLATE_NOOP("DoctorLabels", "OK"),
    "warn": QT_TRANSLATE_NOOP("DoctorLabels", "Check"),
    "fail": QT_TRANSLATE_NOOP("DoctorLabels", "Problem"),
}
# What the person at the till does about a check that is not OK (details: the doctor's fix).
ACTIONS = {
    "config": QT_TRANSLATE_NOOP("DoctorLabels", "Call store IT: the configuration needs fixing."),
    "database": QT_TRANSLATE_NOOP("DoctorLabels", "Call store IT before selling more: the database needs care."),
    "disk": QT_TRANSLATE_NOOP("DoctorLabels", "Call store IT: the disk is nearly full."),
    "permissions": QT_TRANSLATE_NOOP("DoctorLabels", "Call store IT: the data folder rights are wrong."),
    "keyring": QT_TRANSLATE_NOOP("DoctorLabels", "Call store IT: the HQ token is missing or unsafe."),
    "hq.reachable": QT_TRANSLATE_NOOP("DoctorLabels", "Check the network cable; selling continues offline."),
    "hq.tls": QT_TRANSLATE_NOOP("DoctorLabels", "Call store IT: HQ's certificate is not valid."),
    "hq.protocol": QT_TRANSLATE_NOOP("DoctorLabels", "Call store IT: the till or HQ needs an upgrade; selling continues offline."),
    "hq.token": QT_TRANSLATE_NOOP("DoctorLabels", "Call store IT: HQ does not accept this till."),
    "clock": QT_TRANSLATE_NOOP("DoctorLabels", "Call store IT: the PC's clock is wrong."),
    "printer": QT_TRANSLATE_NOOP("DoctorLabels", "Check the printer's power, cable and paper."),
    "scanner": QT_TRANSLATE_NOOP("DoctorLabels", "Check the scanner's cable, then scan a code to test it."),
    "fonts": QT_TRANSLATE_NOOP("DoctorLabels", "Call store IT: the installation is incomplete."),
    "outbox": QT_TRANSLATE_NOOP("DoctorLabels", "Open the Sync screen; call store IT if it persists."),
    "pulls": QT_TRANSLATE_NOOP("DoctorLabels", "Use Sync now; call store IT if it persists."),
}


def check_name(check: str) -> str:
    return QCoreApplication.translate("DoctorLabels", NAMES[check]) if check in NAMES else check


def result_label(status: str) -> str:
    return QCoreApplication.translate("DoctorLabels", RESULTS.get(status, RESULTS["fail"]))


def action_text(check: str, status: str) -> str:
    if status == "ok":
        return ""
    if check in ACTIONS:
        return QCoreApplication.translate("DoctorLabels", ACTIONS[check])
    return QCoreApplication.translate("DoctorLabels", "Call store IT.")
