"""A store's nearest-store count and radius are HQ's setting of that store (store_settings row
``stock_nearby``): set from the command line, checked (absurd values refused, nothing
changed), and the neighbours and their stock rows follow it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from store_client.cli import main
from sync.hq import sites, stock_publish
from sync.hq import stock as hq_stock
from sync.hq.service import HQService, make_engine
from tests.integration.sync.test_hq_sites_cli import nearby_rows


def seen_sites(db: Path, store: str) -> set[str]:
    return {key.split("|")[1] for key in nearby_rows(db, store)}


def neighbours(db: Path, store: str) -> list[str]:
    service = HQService(make_engine(f"sqlite:///{db}"))
    try:
        with service.engine.connect() as conn:
            return [site for site, _d in sites.neighbours_of(conn, store)]
    finally:
        service.engine.dispose()


def stock_everywhere(db: Path) -> None:
    """Each demo store holds some 100001 (as its tills' movements would give it)."""
    service = HQService(make_engine(f"sqlite:///{db}"))
    try:
        with service.engine.begin() as conn:
            for i, store in enumerate(("S001", "S002", "S003", "S004", "S005", "S006")):
                hq_stock.apply_pickup(conn, store, [("100001", -(i + 1))], "2026-12-01T02:00:00+00:00")
        stock_publish.publish_dirty(service)
    finally:
        service.engine.dispose()


def test_a_stores_own_count_and_radius_from_the_command_line(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "hq.sqlite3"
    hq = ["hq", "--db", str(db)]
    assert main(hq + ["seed-demo"]) == 0
    stock_everywhere(db)
    default = neighbours(db, "S001")
    assert default == ["S002", "S004", "S003", "S005", "W01"]  # within 20 km; Songjiang is not
    assert seen_sites(db, "S001") == {"S002", "S003", "S004", "S005", "W01"}

    assert main(hq + ["sites", "nearby", "S001", "--nearest", "1"]) == 0
    assert "sees the 1 nearest stores within 20000 m" in capsys.readouterr().out
    assert neighbours(db, "S001") == ["S002", "W01"]
    assert seen_sites(db, "S001") == {"S002", "W01"}  # the others' rows deleted before it returned
    assert set(neighbours(db, "S002")) == {"S001", "S003", "S004", "S005", "W01"}  # the defaults still

    assert main(hq + ["sites", "nearby", "S001", "--nearest", "20", "--radius-m", "60000"]) == 0
    assert "S006" in neighbours(db, "S001") and "S006" in seen_sites(db, "S001")

    before = neighbours(db, "S001")
    for bad, said in ((["--nearest", "21"], "0-20"), (["--nearest", "-1"], "0-20"),
                      (["--radius-m", "100"], "500-200000"), (["--radius-m", "1000000000"], "500-200000"),
                      (["--nearest", "abc"], "whole number"), (["--radius-m", "2.5"], "whole number")):
        assert main(hq + ["sites", "nearby", "S001", *bad]) == 1
        assert said in capsys.readouterr().err
    assert main(hq + ["sites", "nearby", "S404", "--nearest", "3"]) == 1
    assert "no store 'S404'" in capsys.readouterr().err
    assert neighbours(db, "S001") == before  # nothing changed by a refusal


@pytest.mark.parametrize("nearest,radius", [(True, 20_000), (5, None), ("5", 20_000), (5, 20_000.0), (0, 499)])
def test_the_validator_refuses_what_is_not_a_count_and_a_radius(nearest: object, radius: object) -> None:
    with pytest.raises(sites.SiteError):
        sites.check_setting(nearest, radius)


def test_a_hand_written_bad_setting_leaves_the_defaults(tmp_path: Path) -> None:
    db = tmp_path / "hq.sqlite3"
    assert main(["hq", "--db", str(db), "seed-demo"]) == 0
    service = HQService(make_engine(f"sqlite:///{db}"))
    try:
        service.publish("store_settings", sites.SETTING_KEY, {"nearest": 500, "radius_m": "far"}, scope="S001")
        with service.engine.begin() as conn:
            assert sites.nearby_settings(conn) == {}
            sites.recompute(conn)
            assert [s for s, _ in sites.neighbours_of(conn, "S001")] == ["S002", "S004", "S003", "S005", "W01"]
            sites.set_nearby(conn, "S001", 0, 5_000)  # zero stores: the warehouses only
            assert [s for s, _ in sites.neighbours_of(conn, "S001")] == ["W01"]
            row = json.loads(conn.exec_driver_sql(
                "SELECT data FROM hq_dataset_rows WHERE dataset='store_settings' AND key='stock_nearby'").scalar())
        assert row == {"nearest": 0, "radius_m": 5000}
    finally:
        service.engine.dispose()
