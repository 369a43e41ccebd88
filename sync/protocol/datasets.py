"""The datasets a terminal pulls from HQ, and the shape of their rows.

Shared by the puller (which rejects a page whose rows do not match) and the
reference HQ (which refuses to publish them). Catalog, prices and operators are
applied to the terminal's own tables; the other datasets are kept as JSON rows
(``sync_rows``) for the features that read them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sync.protocol.events import MAX_AMOUNT, PayloadError, _int, _obj, _str, _time

# name -> scoped to the terminal's store (True) or shared by all stores (False)
DATASETS: dict[str, bool] = {
    "catalog": False,
    "prices": False,
    "promotions": False,
    "coupons": False,
    "operators": True,
    "online_orders": True,
    "stock_levels": True,
    "stock_nearby": True,  # other sites' on hand, for the stores that have them as neighbours
    "store_settings": True,
    "terminal_keys": False,  # every till's public signing key: any store checks any receipt
    "store_tills": True,  # each till of the store as HQ last heard from it: the board's sync health
    "store_enrollments": True,  # members who joined through the store's links, counter or receipt
    "store_return_issues": True,  # return conflicts and credit overdrafts for the manager (return_issues.py)
    "count_plans": True,  # stock counts planned on any till of the store (sync/protocol/count_events.py)
    "count_totals": True,  # what each till counted of a plan, per SKU
}
MAX_KEY = 64


def _catalog(data: dict) -> dict:
    fast = _catalog_fast(data)
    return fast if fast is not None else _catalog_checked(data)


def _catalog_fast(d: dict) -> dict | None:
    """The usual, valid row in one pass of plain checks (a bootstrap validates a million);
    None if anything is unusual, and :func:`_catalog_checked` then decides and names it."""
    cat = d.get("category")
    if type(cat) is not dict:
        return None
    sku, zh, en, unit = d.get("sku"), d.get("name_zh"), d.get("name_en"), d.get("unit")
    code, cat_zh, cat_en = cat.get("code"), cat.get("name_zh"), cat.get("name_en")
    price, tax = d.get("price_minor"), d.get("tax_rate_bp")
    barcodes, pinyin = d.get("barcodes", []), d.get("pinyin_initials", "")
    if not (type(sku) is str and 0 < len(sku) <= 32 and type(zh) is str and 0 < len(zh) <= 200
            and type(en) is str and 0 < len(en) <= 200 and type(code) is str and 0 < len(code) <= 32
            and type(cat_zh) is str and 0 < len(cat_zh) <= 64 and type(cat_en) is str and 0 < len(cat_en) <= 64
            and (unit == "each" or unit == "kg") and type(price) is int and 0 <= price <= MAX_AMOUNT
            and type(tax) is int and 0 <= tax <= 10_000 and type(pinyin) is str
            and type(barcodes) is list and len(barcodes) <= 50):
        return None
    for code_ in barcodes:
        if type(code_) is not str or not 0 < len(code_) <= 32:
            return None
    return {"sku": sku, "name_zh": zh, "name_en": en,
            "category": {"code": code, "name_zh": cat_zh, "name_en": cat_en},
            "unit": unit, "price_minor": price, "tax_rate_bp": tax,
            "barcodes": list(dict.fromkeys(barcodes)) if len(barcodes) > 1 else list(barcodes),
            "pinyin_initials": pinyin[:200]}


def _catalog_checked(data: dict) -> dict:
    category = _obj(data.get("category"), "field 'category'")
    barcodes = data.get("barcodes", [])
    if not isinstance(barcodes, list) or len(barcodes) > 50 or not all(
            isinstance(b, str) and 0 < len(b) <= 32 for b in barcodes):
        raise PayloadError("field 'barcodes' must be a list of at most 50 codes")
    unit = _str(data, "unit", max_len=8)
    if unit not in ("each", "kg"):
        raise PayloadError(f"field 'unit' must be 'each' or 'kg' (got {unit!r})")
    pinyin = data.get("pinyin_initials", "")
    if not isinstance(pinyin, str):
        raise PayloadError("field 'pinyin_initials' must be a string")
    return {
        "sku": _str(data, "sku", max_len=32),
        "name_zh": _str(data, "name_zh", max_len=200),
        "name_en": _str(data, "name_en", max_len=200),
        "category": {"code": _str(category, "code", max_len=32),
                     "name_zh": _str(category, "name_zh", max_len=64),
                     "name_en": _str(category, "name_en", max_len=64)},
        "unit": unit,
        "price_minor": _int(data, "price_minor", lo=0),
        "tax_rate_bp": _int(data, "tax_rate_bp", lo=0, hi=10_000),
        "barcodes": list(dict.fromkeys(barcodes)),
        "pinyin_initials": pinyin[:200],
    }


def _prices(data: dict) -> dict:
    return {"sku": _str(data, "sku", max_len=32), "price_minor": _int(data, "price_minor", lo=0)}


#: The staff roles HQ may provision (the terminal's ``domain.roles.Role`` values; a test keeps
#: the two equal, since the protocol imports nothing of the terminal).
ROLES = ("cashier", "associate", "manager", "it_admin")


def _operator(data: dict) -> dict:
    """HQ provisions staff: id, name, role and a PIN *hash* (never a PIN) in the scrypt format."""
    operator_id = _str(data, "id", max_len=16)
    if not operator_id.isascii() or not operator_id.isalnum():
        raise PayloadError(f"field 'id' must be letters and digits (got {operator_id!r})")
    role = _str(data, "role", max_len=16)
    if role not in ROLES:
        raise PayloadError(f"field 'role' must be one of {', '.join(ROLES)}")
    pin_hash = _str(data, "pin_hash", max_len=256)
    parts = pin_hash.split("$")
    if len(parts) != 6 or parts[0] != "scrypt" or not all(parts[1:]):
        raise PayloadError("field 'pin_hash' must be a scrypt hash ('scrypt$n$r$p$salt$key')")
    active = data.get("active", True)
    if not isinstance(active, bool):
        raise PayloadError("field 'active' must be a boolean")
    return {"id": operator_id, "name": _str(data, "name", max_len=64), "role": role,
            "pin_hash": pin_hash, "active": active}


def _any_object(data: dict) -> dict:
    return data


def _stock_level(data: dict) -> dict:
    """One SKU's on-hand at the row's store (pieces, or grams of a weighed item), as of when."""
    return {"sku": _str(data, "sku", max_len=32), "on_hand": _int(data, "on_hand", lo=-MAX_AMOUNT),
            "as_of": _str(data, "as_of", max_len=40)}


SITE_KINDS = ("store", "warehouse")
MAX_SITE_ID = 24  # a stock_nearby key is "{sku}|{site_id}": 32 + 1 + 24 fits MAX_KEY
MAX_DISTANCE_M = 20_037_509  # half the Earth's circumference


def _site_id(data: dict, name: str) -> str:
    value = _str(data, name, max_len=MAX_SITE_ID)
    if not value.isascii() or not all(c.isalnum() or c in "-_" for c in value):
        raise PayloadError(f"field '{name}' must be letters, digits, '-' or '_'")
    return value


def _stock_nearby(data: dict) -> dict:
    """One SKU's on hand at another site (a nearby store or a warehouse), with what a till
    shows of that site: its name, kind and distance in metres from the receiving store (None:
    one of the two has no coordinates), and when the figure was true."""
    sku = _str(data, "sku", max_len=32)
    if "|" in sku:
        raise PayloadError("field 'sku' must not contain '|'")
    kind = _str(data, "kind", max_len=16)
    if kind not in SITE_KINDS:
        raise PayloadError(f"field 'kind' must be one of {', '.join(SITE_KINDS)}")
    distance = data.get("distance_m")
    if distance is not None:
        distance = _int(data, "distance_m", lo=0, hi=MAX_DISTANCE_M)
    row = {"sku": sku, "site_id": _site_id(data, "site_id"), "name": _str(data, "name", max_len=200),
           "kind": kind, "distance_m": distance, "on_hand": _int(data, "on_hand", lo=-MAX_AMOUNT),
           "as_of": _str(data, "as_of", max_len=40)}
    if data.get("reserved") is not None:  # held there for endless-aisle orders (absent: none)
        row["reserved"] = _int(data, "reserved", lo=0)
    return row


def nearby_key(sku: str, site_id: str) -> str:
    """The row key of ``stock_nearby``: all sites of one SKU sort together (a range read)."""
    return f"{sku}|{site_id}"


def _terminal_key(data: dict) -> dict:
    """A till's public Ed25519 key (base64url, 43 characters) and whose it is."""
    row = {"kid": _str(data, "kid", max_len=64), "store_id": _str(data, "store_id", max_len=32),
           "terminal_id": _str(data, "terminal_id", max_len=32), "public_key": _str(data, "public_key", max_len=64)}
    if not row["kid"].startswith(f"{row['store_id']}-{row['terminal_id']}-"):
        raise PayloadError("field 'kid' must start with its store and terminal")
    key = row["public_key"]
    if len(key) != 43 or not key.isascii() or not all(c.isalnum() or c in "-_" for c in key):
        raise PayloadError("field 'public_key' must be 32 bytes in base64url")
    return row


def _store_till(data: dict) -> dict:
    """A till's queue as it last reported it (``waiting`` None: it did not say) and when HQ
    last heard from it."""
    waiting = data.get("waiting")
    return {"terminal_id": _str(data, "terminal_id", max_len=32),
            "last_contact_at": _time(data, "last_contact_at"),
            "waiting": None if waiting is None else _int(data, "waiting", lo=0, hi=10**9),
            "oldest_waiting_at": _time(data, "oldest_waiting_at", optional=True)}


ENROLLED_VIA = ("counter", "receipt")


def _store_enrollment(data: dict) -> dict:
    """A member who joined (or linked a phone already a member) through one of the store's
    links, credited to the associate the link names. No phone, no name: a count's row."""
    via = _str(data, "via", max_len=16)
    if via not in ENROLLED_VIA:
        raise PayloadError(f"field 'via' must be one of {', '.join(ENROLLED_VIA)}")
    linked = data.get("linked_existing")
    if not isinstance(linked, bool):
        raise PayloadError("field 'linked_existing' must be true or false")
    return {"member_id": _str(data, "member_id", max_len=16),
            "terminal_id": _str(data, "terminal_id", max_len=32),
            "associate_id": _str(data, "associate_id", max_len=32, optional=True),
            "via": via, "linked_existing": linked, "at": _time(data, "at")}


ROW_VALIDATORS: dict[str, Callable[[dict], dict]] = {name: _any_object for name in DATASETS}
ROW_VALIDATORS.update(catalog=_catalog, prices=_prices, operators=_operator, terminal_keys=_terminal_key,
                      stock_levels=_stock_level, stock_nearby=_stock_nearby, store_tills=_store_till,
                      store_enrollments=_store_enrollment)


def _online_order(data: dict) -> dict:
    from sync.protocol.online_orders import validate_order_row

    return validate_order_row(data)


ROW_VALIDATORS.update(online_orders=_online_order)


def _return_issue(data: dict) -> dict:
    from sync.protocol.return_issues import issue_row

    return issue_row(data)


ROW_VALIDATORS.update(store_return_issues=_return_issue)
def _count_plan(data: dict) -> dict:
    from sync.protocol.count_events import plan_row

    return plan_row(data)


def _count_totals(data: dict) -> dict:
    from sync.protocol.count_events import totals_row

    return totals_row(data)


ROW_VALIDATORS.update(count_plans=_count_plan, count_totals=_count_totals)


def validate_row(dataset: str, key: Any, data: Any) -> dict:
    """The normalised row or :class:`PayloadError`; ``key`` must match the row's own key."""
    if dataset not in DATASETS:
        raise PayloadError(f"unknown dataset {dataset!r}")
    if not isinstance(key, str) or not key or len(key) > MAX_KEY:
        raise PayloadError(f"row key must be a string of 1-{MAX_KEY} characters (got {key!r})")
    row = ROW_VALIDATORS[dataset](_obj(data, "row data"))
    if dataset in ("catalog", "prices", "stock_levels") and row["sku"] != key:
        raise PayloadError(f"row key {key!r} does not match sku {row['sku']!r}")
    if dataset == "stock_nearby" and nearby_key(row["sku"], row["site_id"]) != key:
        raise PayloadError(f"row key {key!r} does not match sku|site {nearby_key(row['sku'], row['site_id'])!r}")
    if dataset == "operators" and row["id"] != key:
        raise PayloadError(f"row key {key!r} does not match operator id {row['id']!r}")
    if dataset == "terminal_keys" and row["kid"] != key:
        raise PayloadError(f"row key {key!r} does not match key id {row['kid']!r}")
    if dataset == "store_tills" and row["terminal_id"] != key:
        raise PayloadError(f"row key {key!r} does not match terminal {row['terminal_id']!r}")
    if dataset == "store_enrollments" and row["member_id"] != key:
        raise PayloadError(f"row key {key!r} does not match member {row['member_id']!r}")
    if dataset == "store_return_issues" and row["issue_id"] != key:
        raise PayloadError(f"row key {key!r} does not match issue {row['issue_id']!r}")
    if dataset == "online_orders" and row["order_id"] != key:
        raise PayloadError(f"row key {key!r} does not match order id {row['order_id']!r}")
    if dataset == "count_plans" and row["plan_id"] != key:
        raise PayloadError(f"row key {key!r} does not match plan id {row['plan_id']!r}")
    if dataset == "count_totals":
        from sync.protocol.count_events import totals_key

        if totals_key(row["plan_id"], row["sku"]) != key:
            raise PayloadError(f"row key {key!r} does not match plan|sku {totals_key(row['plan_id'], row['sku'])!r}")
    return row
