"""Reading the project's own source for tests that must not depend on a hand-kept list
(every outbox kind HQ must accept, every audit action the screen must name)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("store_client", "printers", "sync")


def parsed_modules(packages: tuple[str, ...] = PACKAGES) -> Iterator[tuple[Path, ast.Module]]:
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def string_constants(tree: ast.Module) -> dict[str, str]:
    """Module-level ``NAME = "text"`` (also ``A, B = "x", "y"``)."""
    found: dict[str, str] = {}
    for node in tree.body:
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            pairs = [(target, node.value)]
            if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                pairs = list(zip(target.elts, node.value.elts))
            for name, value in pairs:
                if (isinstance(name, ast.Name) and isinstance(value, ast.Constant)
                        and isinstance(value.value, str)):
                    found[name.id] = value.value
    return found
