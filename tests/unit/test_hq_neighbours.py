"""A store's neighbours at HQ (sync/hq/sites.py): great-circle distances, the nearest N within
the radius, the warehouses always, and a store without coordinates seeing the warehouses only."""

from __future__ import annotations

import pytest

from sync.hq.sites import Site, SiteError, check_site, compute_neighbours, distance_m, micro_degrees
from sync.protocol.datasets import validate_row
from sync.protocol.events import PayloadError

PEOPLES_SQUARE = Site("S001", "store", "人民广场店", 31_230_400, 121_473_700)
LUJIAZUI = Site("S003", "store", "陆家嘴店", 31_239_700, 121_499_800)


def test_distance_is_the_great_circle_in_metres() -> None:
    assert distance_m(PEOPLES_SQUARE, PEOPLES_SQUARE) == 0
    assert 2_650 <= distance_m(PEOPLES_SQUARE, LUJIAZUI) <= 2_700  # type: ignore[operator]
    # Shanghai to Beijing: about 1,067 km along the great circle
    beijing = Site("B", "store", "Beijing", 39_904_200, 116_407_400)
    assert 1_060_000 <= distance_m(PEOPLES_SQUARE, beijing) <= 1_075_000  # type: ignore[operator]
    assert distance_m(PEOPLES_SQUARE, Site("X", "store", "nowhere")) is None


def east_of(site_id: str, km: float, kind: str = "store") -> Site:
    """A site ``km`` east of People's Square (about 94.9 km a degree of longitude at 31.23°N)."""
    return Site(site_id, kind, site_id, 31_230_400, 121_473_700 + round(km / 94.93 * 1_000_000))


def test_the_nearest_five_within_twenty_km_nearest_first_and_the_warehouses_always() -> None:
    sites = [PEOPLES_SQUARE] + [east_of(f"K{int(km):02d}", km) for km in (9, 1, 7, 3, 5, 11, 19.5)] + [
        east_of("FAR", 21), east_of("W01", 60, "warehouse"), Site("W02", "warehouse", "no coordinates")]
    mine = compute_neighbours(sites)["S001"]
    stores = [sid for sid in mine if sid.startswith("K") or sid == "FAR"]
    assert stores == ["K01", "K03", "K05", "K07", "K09"]  # nearest first, five of them
    assert set(mine) == {"K01", "K03", "K05", "K07", "K09", "W01", "W02"}
    assert 59_000 <= mine["W01"] <= 61_000  # type: ignore[operator]
    assert mine["W02"] is None  # a warehouse without coordinates: always seen, distance unknown
    # with more room, the radius bounds it: 19.5 km is in, 21 km never
    wide = compute_neighbours(sites, nearest=50)["S001"]
    assert "K19" in wide and "FAR" not in wide
    assert "S001" not in wide  # never its own neighbour
    assert all(kind != "warehouse" for kind in compute_neighbours(sites))  # a warehouse sees nothing


def test_a_store_without_coordinates_sees_only_the_warehouses() -> None:
    lost = Site("S009", "store", "somewhere")
    result = compute_neighbours([PEOPLES_SQUARE, LUJIAZUI, lost, east_of("W01", 30, "warehouse")])
    assert result["S009"] == {"W01": None}
    assert "S009" not in result["S001"]  # and no store sees it: its place is unknown
    assert set(result["S001"]) == {"S003", "W01"}


def test_ties_are_broken_by_site_id() -> None:
    a, b = east_of("B2", 2), Site("A2", "store", "A2", 31_230_400, 121_473_700 - round(2 / 94.93 * 1_000_000))
    assert list(compute_neighbours([PEOPLES_SQUARE, a, b])["S001"]) == ["A2", "B2"]


@pytest.mark.parametrize(("site", "why"), [
    (Site("", "store", "x"), "site id"),
    (Site("S 1", "store", "x"), "site id"),
    (Site("S" * 25, "store", "x"), "site id"),
    (Site("S1", "shop", "x"), "kind"),
    (Site("S1", "store", "  "), "name"),
    (Site("S1", "store", "x", 31_000_000, None), "both"),
    (Site("S1", "store", "x", 91_000_000, 0), "latitude"),
    (Site("S1", "store", "x", 0, -181_000_000), "longitude"),
])
def test_a_bad_site_is_refused_with_its_reason(site: Site, why: str) -> None:
    with pytest.raises(SiteError, match=why):
        check_site(site)


def test_degrees_become_exact_micro_degrees() -> None:
    assert micro_degrees("31.2304", limit=90) == 31_230_400
    assert micro_degrees("-0.000001", limit=90) == -1
    for bad in ("north", "31.23045678", "91", "nan", "inf"):
        with pytest.raises(SiteError):
            micro_degrees(bad, limit=90)


def nearby(**changes: object) -> dict:
    return {"sku": "100001", "site_id": "S002", "name": "静安寺店", "kind": "store", "distance_m": 2_800,
            "on_hand": 7, "as_of": "2026-12-01T02:00:00+00:00", **changes}


def test_a_stock_nearby_row_is_checked_by_the_protocol() -> None:
    assert validate_row("stock_nearby", "100001|S002", nearby())["distance_m"] == 2_800
    assert validate_row("stock_nearby", "100001|S002", nearby(distance_m=None))["distance_m"] is None
    for key, row in [("100001|S003", nearby()), ("100001|S002", nearby(kind="shop")),
                     ("100001|S002", nearby(distance_m=-1)), ("100001|S002", nearby(on_hand="7")),
                     ("100001|S002", nearby(on_hand=True)), ("A|B|S002", nearby(sku="A|B")),
                     ("100001|S 2", nearby(site_id="S 2")), ("100001|S002", nearby(name=""))]:
        with pytest.raises(PayloadError):
            validate_row("stock_nearby", key, row)
