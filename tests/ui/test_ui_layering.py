"""The UI reaches the services only through the operations layer (read from the source)."""

from __future__ import annotations

import ast

from tests.source_scan import ROOT, parsed_modules

UI = ROOT / "store_client" / "ui"
OPERATIONS = UI / "operations"


def ui_modules() -> list[tuple[str, ast.Module]]:
    return [(str(path.relative_to(ROOT)), tree) for path, tree in parsed_modules(("store_client",))
            if UI in path.parents]


def attribute_uses(tree: ast.Module, names: set[str]) -> list[int]:
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr in names]


def test_only_the_operations_layer_submits_work_to_the_task_manager() -> None:
    offenders = {name: lines for name, tree in ui_modules()
                 if not name.startswith("store_client/ui/operations/")
                 and (lines := attribute_uses(tree, {"run_db"}))}
    assert offenders == {}


def test_no_ui_module_but_the_task_manager_and_operations_touches_the_pool() -> None:
    # ``tasks.run(...)`` for rendering or files goes through a pool op as well
    offenders = {}
    for name, tree in ui_modules():
        if name.startswith("store_client/ui/operations/") or name == "store_client/ui/tasks.py":
            continue
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "run" and isinstance(node.func.value, ast.Attribute)
                    and node.func.value.attr in ("tasks", "_tasks")):
                offenders.setdefault(name, []).append(node.lineno)
    assert offenders == {}


def test_screens_reach_no_session_database_or_terminal() -> None:
    banned = {"terminal", "db", "read", "transaction", "services", "tasks"}
    offenders = {}
    for name, tree in ui_modules():
        if not name.startswith(("store_client/ui/screens/", "store_client/ui/checkout/")):
            continue
        for node in ast.walk(tree):
            # ctx.terminal / ctx.services / ctx.tasks, terminal.db, db.read(), db.transaction()
            if (isinstance(node, ast.Attribute) and node.attr in banned
                    and isinstance(node.value, ast.Attribute | ast.Name)
                    and getattr(node.value, "attr", getattr(node.value, "id", "")) in (
                        "_ctx", "ctx", "terminal", "db", "window")):
                offenders.setdefault(name, []).append((node.lineno, node.attr))
    assert offenders == {}


def test_no_ui_module_imports_persistence_or_sqlalchemy() -> None:
    offenders = {}
    for name, tree in ui_modules():
        for node in ast.walk(tree):
            modules = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                       else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for module in modules:
                if module.startswith(("store_client.persistence", "sqlalchemy")):
                    offenders.setdefault(name, []).append(module)
    assert offenders == {}


def test_the_screen_context_offers_no_terminal_services_or_task_manager() -> None:
    from dataclasses import fields

    from store_client.ui.screen_registry import ScreenContext

    assert {f.name for f in fields(ScreenContext)} == {"ops", "actor", "locale", "config"}


def ui_import_graph() -> dict[str, set[str]]:
    """Module -> the ``store_client.ui`` modules it imports (in functions too; TYPE_CHECKING
    imports count as well: a circle there is a circle for the reader)."""
    graph: dict[str, set[str]] = {}
    for name, tree in ui_modules():
        module = name.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
        deps: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("store_client.ui"):
                deps.add(node.module or "")
                deps |= {f"{node.module}.{alias.name}" for alias in node.names}
            elif isinstance(node, ast.Import):
                deps |= {a.name for a in node.names if a.name.startswith("store_client.ui")}
        graph[module] = deps
    return {m: {d for d in deps if d in graph and d != m} for m, deps in graph.items()}


def test_the_ui_modules_import_each_other_without_circles() -> None:
    from graphlib import CycleError, TopologicalSorter

    try:
        tuple(TopologicalSorter(ui_import_graph()).static_order())
    except CycleError as error:
        raise AssertionError(f"import circle: {' -> '.join(error.args[1])}") from None


def test_the_checkout_search_borrows_nothing_from_a_screen() -> None:
    graph = ui_import_graph()
    assert not {d for d in graph["store_client.ui.checkout.search_dialog"]
                if d.startswith("store_client.ui.screens")}
