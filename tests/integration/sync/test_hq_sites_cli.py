"""``store-client hq sites ...`` and ``hq warehouse ...``: an admin registers where the stores
and the warehouse are and sets the warehouse's stock; bad input is refused whole, in words."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from store_client.cli import main
from sync.hq import schema as t
from sync.hq.service import HQService, make_engine


def nearby_rows(db: Path, store: str) -> dict[str, dict]:
    service = HQService(make_engine(f"sqlite:///{db}"))
    try:
        with service.engine.connect() as conn:
            rows = conn.execute(select(t.dataset_rows.c.key, t.dataset_rows.c.data).where(
                t.dataset_rows.c.dataset == "stock_nearby", t.dataset_rows.c.scope == store,
                t.dataset_rows.c.deleted.is_(False))).all()
    finally:
        service.engine.dispose()
    return {key: json.loads(data) for key, data in rows}


def test_sites_and_warehouse_stock_from_the_command_line(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "hq.sqlite3"
    hq = ["hq", "--db", str(db)]
    assert main(hq + ["seed-demo"]) == 0
    assert nearby_rows(db, "S002")["100001|W01"]["on_hand"] == 2400  # the demo's warehouse stock
    assert main(hq + ["sites", "add", "S009", "--name", "测试店", "--lat", "31.2", "--lon", "121.45"]) == 0
    assert "100001|W01" in nearby_rows(db, "S009")  # backfilled before the command returned
    assert main(hq + ["sites", "add", "S010", "--name", "x", "--lat", "95", "--lon", "121"]) == 1
    assert "outside -90..90 degrees" in capsys.readouterr().err
    csv = tmp_path / "onhand.csv"
    csv.write_text("sku,on_hand\n100001,5\n999,3\n100002,-1\n", encoding="utf-8")
    assert main(hq + ["warehouse", "set", "W01", str(csv)]) == 1
    err = capsys.readouterr().err
    assert "entry 2: SKU '999' is not in the catalog" in err and "entry 3: quantity '-1'" in err
    assert nearby_rows(db, "S002")["100001|W01"]["on_hand"] == 2400  # nothing of it applied
    csv.write_text("sku,on_hand\n100001,5\n", encoding="utf-8")
    assert main(hq + ["warehouse", "set", "W01", str(csv)]) == 0
    assert main(hq + ["warehouse", "receive", "W01", "100001", "600"]) == 0
    assert nearby_rows(db, "S009")["100001|W01"]["on_hand"] == 605
    assert main(hq + ["sites", "list"]) == 0
    listed = capsys.readouterr().out
    assert "S009" in listed and "W01" in listed and "sees:" in listed
    assert main(hq + ["sites", "remove", "S009"]) == 0
    assert nearby_rows(db, "S009") == {}  # no longer a site, and no terminal of it: its rows are deleted
