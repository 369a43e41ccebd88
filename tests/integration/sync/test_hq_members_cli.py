"""``store-client hq members ...``: the store setting, the digest key's rotation, the birthday
job and the details, each checked, none printing a member's sensitive value."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from store_client.cli import main
from sync.hq.member_birthday import issued
from sync.hq.members import MembersService
from sync.hq.schema import dataset_rows
from sync.hq.service import HQService, make_engine


@pytest.fixture
def db(tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "hq.sqlite3"
    service = HQService(make_engine(f"sqlite:///{path}"))
    service.issue_token("S001", "T01")
    member = MembersService(service.engine).enroll("13812345678", name=None, store_id="S001", terminal_id="T01",
                                                   associate_id=None, channel="online", terms=True,
                                                   marketing=False, personalization=True).member_id
    yield str(path), service, member
    service.engine.dispose()


def row(service: HQService, dataset: str, key: str, scope: str) -> dict | None:
    with service.engine.connect() as conn:
        data = conn.execute(select(dataset_rows.c.data).where(
            dataset_rows.c.dataset == dataset, dataset_rows.c.key == key, dataset_rows.c.scope == scope)).scalar()
    return json.loads(data) if data else None


def test_display_confirm_is_published_for_the_store(db, capsys) -> None:  # type: ignore[no-untyped-def]
    path, service, _member = db
    assert main(["hq", "--db", path, "members", "display-confirm", "S001", "on", "--seconds", "30"]) == 0
    assert row(service, "store_settings", "members", "S001") == {"display_confirm": True, "display_confirm_seconds": 30}
    assert main(["hq", "--db", path, "members", "display-confirm", "S001", "off"]) == 0
    assert row(service, "store_settings", "members", "S001")["display_confirm"] is False
    assert main(["hq", "--db", path, "members", "display-confirm", "S001", "on", "--seconds", "1"]) != 0
    assert row(service, "store_settings", "members", "S001")["display_confirm"] is False  # refused: unchanged


def test_rotation_sends_the_new_version_to_every_store(db, capsys) -> None:  # type: ignore[no-untyped-def]
    path, service, _member = db
    assert main(["hq", "--db", path, "members", "rotate-digest-key"]) == 0
    assert main(["hq", "--db", path, "members", "rotate-digest-key"]) == 0
    sent = row(service, "store_settings", "member_digest", "S001")
    assert sent["version"] == 3 and sorted(sent["keys"]) == ["1", "2", "3"]  # the first made on first use
    out = capsys.readouterr().out
    assert "version 3, sent to 1 stores" in out and not any(k in out for k in sent["keys"].values())


def test_details_and_the_birthday_job_never_print_the_values(db, capsys) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    path, service, member = db
    month = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).month
    assert main(["hq", "--db", path, "members", "set-details", member, "--birthday", "1990-13-40"]) != 0
    assert main(["hq", "--db", path, "members", "set-details", member]) != 0
    assert main(["hq", "--db", path, "members", "set-details", member, "--birthday", f"1990-{month:02d}-01",
                 "--address", "上海市静安区南京西路 1 号"]) == 0
    assert main(["hq", "--db", path, "members", "birthday-coupons"]) == 0
    assert main(["hq", "--db", path, "members", "birthday-coupons"]) == 0  # daily: nothing twice
    out = capsys.readouterr()
    assert "南京西路" not in out.out + out.err and f"1990-{month:02d}-01" not in out.out + out.err
    with service.engine.connect() as conn:
        assert len(conn.execute(select(issued).where(issued.c.member_id == member)).all()) == 1
