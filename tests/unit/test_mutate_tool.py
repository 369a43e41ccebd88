"""The mutation-testing tool (tools/mutate.py): which mutants it makes and what they do."""

from __future__ import annotations

import ast
import textwrap

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
