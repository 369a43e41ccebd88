"""Every UI string has a finished zh_CN translation, and the shipped .qm matches the .ts."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication

from tools import translation_tools as tt
from store_client.ui.i18n import Translations, qm_path, ts_path

PLACEHOLDER = re.compile(r"%\d")


@pytest.fixture(scope="module")
def fresh_ts(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    """The committed .ts updated by lupdate from the current code (new strings show as unfinished)."""
    target = tmp_path_factory.mktemp("ts") / ts_path("zh_CN").name
    shutil.copy(ts_path("zh_CN"), target)
    tt.run_lupdate(target)
    return target


def test_every_source_string_has_a_finished_translation(fresh_ts: Path) -> None:
    messages = tt.read_ts(fresh_ts)
    assert len(messages) > 50  # lupdate really found the UI strings
    missing = [f"[{m.context}] {m.source}" for m in messages if not m.finished]
    assert missing == [], "run python -m tools.translation_tools and translate these"


def test_committed_ts_is_in_step_with_the_code(fresh_ts: Path) -> None:
    current = {(m.context, m.source) for m in tt.read_ts(fresh_ts)}
    committed = {(m.context, m.source) for m in tt.read_ts(ts_path("zh_CN"))}
    assert committed == current


def test_translations_keep_their_placeholders() -> None:
    wrong = [(m.context, m.source, m.translation) for m in tt.read_ts(ts_path("zh_CN"))
             if sorted(PLACEHOLDER.findall(m.source)) != sorted(PLACEHOLDER.findall(m.translation))]
    assert wrong == []


def test_shipped_qm_is_compiled_from_the_committed_ts(tmp_path: Path) -> None:
    rebuilt = tmp_path / "rebuilt.qm"
    tt.run_lrelease(ts_path("zh_CN"), rebuilt)
    assert rebuilt.read_bytes() == qm_path("zh_CN").read_bytes()


def test_the_qm_translates_at_runtime(qapp) -> None:
    messages = tt.read_ts(ts_path("zh_CN"))
    translations = Translations("zh_CN").install(qapp)
    try:
        for m in messages:
            assert QCoreApplication.translate(m.context, m.source) == m.translation
    finally:
        translations.remove(qapp)
    sample = messages[0]
    assert QCoreApplication.translate(sample.context, sample.source) == sample.source


def test_a_missing_qm_falls_back_to_english_instead_of_failing(qapp, monkeypatch, tmp_path, caplog) -> None:
    from store_client.ui import i18n

    monkeypatch.setattr(i18n, "qm_path", lambda locale: tmp_path / f"missing_{locale}.qm")
    translations = Translations("zh_CN").install(qapp)
    try:
        assert not translations.active
        sample = tt.read_ts(ts_path("zh_CN"))[0]
        assert QCoreApplication.translate(sample.context, sample.source) == sample.source
        assert "missing_zh_CN.qm" in caplog.text
    finally:
        translations.remove(qapp)
