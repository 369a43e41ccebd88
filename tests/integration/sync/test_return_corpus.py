"""The cross-store return corpus against the real reference HQ over HTTP: every valid
return is taken, every invalid one refused with its reason, two stores racing for the same
goods get exactly one success. Its counts are reported in docs/returns.md."""

from __future__ import annotations

import threading
import uuid
from collections import Counter

import httpx
import pytest
from return_corpus import scenario

from sync.hq.app import create_app
from sync.hq.embedded import HQServer
from sync.hq.service import HQService

SCENARIOS = 300


def run_corpus(hq: HQService, count: int) -> Counter:
    server = HQServer(hq, app=create_app(hq)).start()
    tokens = {store: hq.issue_token(store, "T01") for store in ("S001", "S002", "S003")}
    seqs = {store: 0 for store in tokens}
    tally: Counter = Counter()
    try:
        with httpx.Client(base_url=server.url, timeout=20) as http:
            for seed in range(count):
                sc = scenario(seed)
                seller = sc.sale["store_id"]
                seqs[seller] += 1
                sold = http.post("/v1/events", headers={"Authorization": f"Bearer {tokens[seller]}"}, json={
                    "events": [{"event_id": str(uuid.uuid4()), "seq": seqs[seller], "kind": "sale.completed",
                                "schema_version": 3, "created_at": sc.sale["completed_at"], "payload": sc.sale}]})
                assert sold.json()["results"][0]["status"] == "accepted", (seed, sold.json())
                ref = f"sale:{sc.sale['sale_id']}"
                racing = [a for a in sc.attempts if a.kind == "race"]
                for attempt in [a for a in sc.attempts if a.kind != "race"]:
                    answer = http.post("/v1/returns/reserve", headers={"Authorization": f"Bearer {tokens[attempt.store]}"},
                                       json={"return_id": attempt.return_id, "original_ref": ref,
                                             "lines": {str(k): list(v) for k, v in attempt.lines.items()},
                                             "tenders": attempt.tenders})
                    if attempt.valid:
                        tally["valid"] += 1
                        if answer.status_code == 200:
                            tally["valid_taken"] += 1
                            http.post(f"/v1/returns/{attempt.return_id}/confirm",
                                      headers={"Authorization": f"Bearer {tokens[attempt.store]}"})
                        else:
                            tally[f"valid_refused:{answer.json().get('error')}"] += 1
                    else:
                        tally["invalid"] += 1
                        code = answer.json().get("error") if answer.status_code == 409 else f"http {answer.status_code}"
                        tally["invalid_refused" if answer.status_code == 409 else "invalid_taken"] += 1
                        tally["invalid_reason_right" if code == attempt.reason else f"reason:{attempt.kind}:{code}"] += 1
                    tally[f"kind:{attempt.kind}"] += 1
                if racing:
                    results: list[int] = []

                    def go(attempt) -> None:  # type: ignore[no-untyped-def]
                        with httpx.Client(base_url=server.url, timeout=20) as own:
                            results.append(own.post("/v1/returns/reserve",
                                                    headers={"Authorization": f"Bearer {tokens[attempt.store]}"},
                                                    json={"return_id": attempt.return_id, "original_ref": ref,
                                                          "lines": {str(k): list(v) for k, v in attempt.lines.items()},
                                                          "tenders": attempt.tenders}).status_code)

                    threads = [threading.Thread(target=go, args=(a,)) for a in racing]
                    for t in threads:
                        t.start()
                    for t in threads:
                        t.join(30)
                    tally["races"] += 1
                    tally["races_one_winner" if sorted(results) == [200, 409] else f"race:{sorted(results)}"] += 1
    finally:
        server.stop()
    return tally


def check(tally: Counter) -> None:
    assert tally["valid"] and tally["valid_taken"] == tally["valid"], tally
    assert tally["invalid"] and tally["invalid_refused"] == tally["invalid"] == tally["invalid_reason_right"], tally
    assert tally["races"] and tally["races_one_winner"] == tally["races"], tally


def test_three_hundred_cross_store_scenarios_on_sqlite(sqlite_hq: HQService):
    tally = run_corpus(sqlite_hq, SCENARIOS)
    check(tally)
    print(dict(sorted(tally.items())))


@pytest.mark.parametrize("hq_db_url", ["postgresql"], indirect=True)
def test_sixty_scenarios_on_postgresql(hq_service: HQService):
    check(run_corpus(hq_service, 60))
