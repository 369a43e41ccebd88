"""Every event kind the terminal queues is one HQ accepts (else it would sit in "needs attention").

Found in the source rather than listed by hand, so a new ``outbox.enqueue(session, "x.y", ...)``
without an HQ validator fails here, not in a store.
"""

from __future__ import annotations

import ast

from sync.protocol.events import CURRENT_VERSION, VALIDATORS
from tests.source_scan import parsed_modules, string_constants


def _queued() -> dict[str, set[int | str]]:
    """kind -> the schema versions its calls pass: an int (a constant or the default 1), or
    "current" for an expression (``CURRENT_VERSION[kind]``, a variable).

    Calls are ``enqueue(session, kind, ...)`` and the services' ``_enqueue`` wrappers; a kind
    is a string literal or a module-level string constant (from the module or, by name,
    from any module of the packages).
    """
    trees = [tree for _path, tree in parsed_modules()]
    everywhere: dict[str, str] = {}
    for tree in trees:
        everywhere.update(string_constants(tree))
    found: dict[str, set[int | str]] = {}
    for tree in trees:
        local = {**everywhere, **string_constants(tree)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or len(node.args) < 2:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name not in ("enqueue", "_enqueue"):
                continue
            arg = node.args[1]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                kind = arg.value
            elif isinstance(arg, ast.Name) and arg.id in local:
                kind = local[arg.id]
            else:
                continue  # a parameter passed through (the wrapper itself)
            version = next((k.value for k in node.keywords if k.arg == "schema_version"), None)
            if version is None:
                wanted: int | str = "current" if name == "_enqueue" else 1
            elif isinstance(version, ast.Constant):
                wanted = version.value
            else:
                wanted = "current"
            found.setdefault(kind, set()).add(wanted)
    return found


def test_the_scan_finds_the_known_producers():
    kinds = _queued()
    assert {"sale.completed", "audit.entry", "drawer.no_sale", "shift.closed",
            "return.completed"} <= set(kinds)


def test_hq_has_a_validator_for_every_kind_and_version_queued():
    accepted = set(VALIDATORS)
    for kind, versions in _queued().items():
        assert kind in CURRENT_VERSION, f"{kind} has no current payload version"
        for version in versions:
            wanted = CURRENT_VERSION[kind] if version == "current" else version
            assert (kind, wanted) in accepted, f"HQ would reject {kind} v{wanted}"
