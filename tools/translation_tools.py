"""Maintaining the translations: ``python -m tools.translation_tools``.

Runs ``pyside6-lupdate`` over the UI sources into each .ts file (keeping the
translations already made, dropping obsolete ones) and ``pyside6-lrelease`` to
compile the .qm files that ship. Developer tooling: the running app never
imports this module.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import store_client
from store_client.ui.i18n import qm_path, ts_path

TRANSLATED_LOCALES = ("zh_CN",)
PACKAGE_DIR = Path(store_client.__file__).resolve().parent


def source_files() -> list[Path]:
    """Every Python file that may hold UI strings (the UI package and the screens)."""
    return sorted((PACKAGE_DIR / "ui").rglob("*.py"))


def qt_tool(name: str) -> str:
    """Path of a PySide6 tool (next to the running interpreter first)."""
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        raise FileNotFoundError(f"{name} not found; install PySide6 in this environment")
    return found


def run_lupdate(ts: Path, sources: list[Path] | None = None) -> None:
    files = [str(p) for p in (sources or source_files())]
    subprocess.run([qt_tool("pyside6-lupdate"), "-no-obsolete", "-locations", "none", *files,
                    "-ts", str(ts)], check=True, capture_output=True, text=True)


def run_lrelease(ts: Path, qm: Path) -> None:
    subprocess.run([qt_tool("pyside6-lrelease"), str(ts), "-qm", str(qm)], check=True,
                   capture_output=True, text=True)


@dataclass(frozen=True)
class Message:
    context: str
    source: str
    translation: str
    finished: bool


def read_ts(path: Path) -> list[Message]:
    messages = []
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            text = "" if translation is None else (translation.text or "")
            if message.get("numerus") == "yes" and translation is not None:  # plural: first form
                text = translation.findtext("numerusform", "") or ""  # (zh_CN has one)
            state = "" if translation is None else translation.get("type", "")
            messages.append(Message(name, message.findtext("source", ""), text,
                                    finished=bool(text) and state not in ("unfinished", "vanished",
                                                                          "obsolete")))
    return messages


def main() -> int:
    for locale in TRANSLATED_LOCALES:
        run_lupdate(ts_path(locale))
        run_lrelease(ts_path(locale), qm_path(locale))
        missing = [m for m in read_ts(ts_path(locale)) if not m.finished]
        print(f"{ts_path(locale)}: {len(missing)} unfinished")
        for m in missing:
            print(f"  [{m.context}] {m.source}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
