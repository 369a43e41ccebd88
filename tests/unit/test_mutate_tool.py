"""The mutation-testing tool (tools/mutate.py): which mutants it makes and what they do."""

from __future__ import annotations

import ast
import textwrap

import pytest

from tools.mutate import mutants, mutated_tree

SOURCE = textwrap.dedent('''
    def change(due: int, cash: int, rate: int = 100) -> int:
        """Docstrings, f-strings and annotations are never mutated."""
        if cash < due:
            raise ValueError(f"short by {due - cash}")
        for _ in range(3):
            break
        return max(0, cash - due) * rate // 100 if not cash == 0 and True else 0
''')


def described(source: str = SOURCE) -> list[str]:
    return [f"{m.before} -> {m.after}" for m in mutants(ast.parse(source), source)]


def run(mutant_text: str, *args: int) -> object:
    tree = ast.parse(SOURCE)
    (mutant,) = [m for m in mutants(tree, SOURCE) if f"{m.before} -> {m.after}" == mutant_text]
    namespace: dict = {}
    exec(compile(mutated_tree(tree, mutant), "<mutant>", "exec"), namespace)  # noqa: S102
    try:
        return namespace["change"](*args)
    except ValueError:
        return ValueError


def test_each_kind_of_mutation_is_made_and_nothing_else():
    assert sorted(described()) == sorted([
        "if cash < due -> if False",  # a guard removed
        "cash < due -> cash <= due",  # a boundary moved
        "cash == 0 -> cash != 0",
        "cash - due -> cash + due",  # arithmetic
        "max(0, cash - due) * rate -> max(0, cash - due) // rate",
        "max(0, cash - due) * rate // 100 -> max(0, cash - due) * rate * 100",
        "max(0, cash - due) -> min(0, cash - due)",  # min and max
        "not cash == 0 -> cash == 0",  # a negation dropped
        "not cash == 0 and True -> not cash == 0 or True",  # and, or
        "not cash == 0 and True -> not cash == 0 and False",  # constants
        "100 -> 101", "range(3) -> range(4)", "cash == 0 -> cash == 1",
        "max(0, cash - due) -> max(1, cash - due)",
        "max(0, cash - due) * rate // 100 -> max(0, cash - due) * rate // 101",
        "max(0, cash - due) * rate // 100 if not cash == 0 and True else 0 -> "
        "max(0, cash - due) * rate // 100 if not cash == 0 and True else 1",
        "break -> continue",  # loops
    ])  # nothing in the docstring, the f-string message or the annotations


def test_a_mutant_changes_behaviour_and_the_original_stays_as_it_was():
    assert run("cash - due -> cash + due", 100, 150) == 250
    assert run("if cash < due -> if False", 100, 50) == 0  # the guard gone: no refusal
    assert run("cash < due -> cash <= due", 100, 100) is ValueError
    namespace: dict = {}
    exec(SOURCE, namespace)  # noqa: S102
    assert namespace["change"](100, 100) == 0 and namespace["change"](100, 150) == 50


def test_the_same_change_on_the_same_line_text_is_numbered():
    source = "def f(a, b):\n    x = a < b\n    x = a < b\n    return x\n"
    keys = [m.key("m") for m in mutants(ast.parse(source), source) if m.after == "a <= b"]
    assert keys == [("m", "x = a < b", "a < b", "a <= b"), ("m", "x = a < b", "a < b", "a <= b #2")]


def test_a_scope_mutates_only_the_named_top_level_functions_and_classes():
    source = textwrap.dedent('''
        LIMIT = 64
        def rule(a, b):
            return a < b
        class Kept:
            def total(self):
                return 1 + 2
        def storage(a):
            return a > LIMIT
    ''')
    tree = ast.parse(source)
    assert {m.before for m in mutants(tree, source)} >= {"LIMIT = 64", "a < b", "1 + 2", "a > LIMIT"}
    assert {m.before for m in mutants(tree, source, ("rule", "Kept"))} == {"a < b", "1 + 2"}
    assert {m.before for m in mutants(tree, source, ("Kept.total",))} == {"1 + 2"}
    with pytest.raises(ValueError, match="no top-level"):
        list(mutants(tree, source, ("rules",)))


def test_every_target_and_scope_names_what_is_there():
    from tools.mutate import ROOT, SCOPES, TARGETS

    for module, (path, tests) in TARGETS.items():
        assert (ROOT / path).is_file() and all((ROOT / t.split("::")[0]).is_file() for t in tests), module
    for module, scope in SCOPES.items():
        source = (ROOT / TARGETS[module][0]).read_text(encoding="utf-8")
        assert list(mutants(ast.parse(source), source, scope)), module
