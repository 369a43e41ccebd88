"""Mutation testing of the money rules: ``python -m tools.mutate MODULE ...``.

A small AST mutator of our own rather than mutmut or cosmic-ray: it mutates only what a
money rule is made of (comparisons, arithmetic, and/or, not, min/max, any/all, integer and
boolean constants, dropped branches, break/continue), never messages or annotations, and
runs each mutant against the module's own unit tests only. A zygote process imports the
third-party libraries once and forks one child per mutant (as ``tools/soak.py`` does);
the child serves the mutated module from an import hook and runs pytest in-process, so a
mutant costs the tests' run time, not an interpreter start. Nothing is written to disk.

Results, and the mutants listed as equivalent (:mod:`tools.mutation_equivalents`), are in
docs/TESTING.md; ``--write-docs`` updates its table. Run with ``nice -n 19``, one module at
a time: ``nice -n 19 python -m tools.mutate money``.
"""

from __future__ import annotations

import argparse
import ast
import copy
import dataclasses
import importlib.abc
import importlib.util
import os
import re
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from tools.mutation_equivalents import EQUIVALENT

ROOT = Path(__file__).resolve().parent.parent

#: module -> (source file, the unit tests run against its mutants, fastest first).
TARGETS: dict[str, tuple[str, tuple[str, ...]]] = {
    "money": ("store_client/domain/money.py", ("tests/unit/test_money.py",)),
    "refunds": ("store_client/domain/refunds.py", ("tests/unit/test_refunds.py",)),
    "tenders": ("store_client/domain/tenders.py", ("tests/unit/test_tenders.py",)),
    "points": ("store_client/domain/points.py", ("tests/unit/test_points.py",)),
    "coupons": ("store_client/domain/coupons.py", ("tests/unit/test_coupons.py",
                                                    "tests/unit/test_pricing.py")),
    "pricing": ("store_client/domain/pricing.py", ("tests/unit/test_pricing_boundaries.py",
                                                    "tests/unit/test_pricing.py",
                                                    "tests/unit/test_pricing_properties.py")),
    # The money rules the other issues added: incremental re-pricing (issue 11), pick-up
    # refunds of short and refused lines (issue 12), the receipt proof's money fields
    # (issue 13). Any module of the code base can be a target, not only the domain's.
    "repricing": ("store_client/domain/repricing.py", ("tests/unit/test_repricing.py",)),
    "pickup": ("store_client/domain/pickup.py", ("tests/unit/test_pickup_domain.py",)),
    "receipt_proof": ("sync/protocol/receipt_proof.py", ("tests/unit/sync/test_receipt_proof.py",)),
    # HQ's returnable ledger (issue 13): its money rules, not its SQL (see SCOPES).
    "returnables": ("sync/hq/returnables.py", ("tests/unit/sync/test_returnable_rules.py",)),
    # HQ's points ledger (issue 14): posting an entry once per cause, the balance its sum.
    "points_ledger": ("sync/hq/members.py",
                      ("tests/integration/sync/test_member_enrollment_hq.py::test_points_post_once_per_cause",
                       "tests/integration/sync/test_member_enrollment_hq.py::test_points_are_whole_and_a_balance_starts_at_0")),
}

#: module -> the top-level functions and classes mutated, when not the whole file: the money
#: rules of a module that also holds storage code (which the integration tests cover).
SCOPES: dict[str, tuple[str, ...]] = {
    "returnables": ("ReturnAsk", "LineStatus", "check_shape", "check_fits", "taken_sums",
                    "original_from_sale"),
    "points_ledger": ("MembersService.post_points", "MembersService.get"),
}

_CMP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
        ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn,
        ast.NotIn: ast.In}
_ARITH = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.FloorDiv, ast.FloorDiv: ast.Mult,
          ast.Mod: ast.FloorDiv, ast.Div: ast.Mult}
_BOOL = {ast.And: ast.Or, ast.Or: ast.And}
_NAMES = {"min": "max", "max": "min", "any": "all", "all": "any"}


@dataclasses.dataclass(frozen=True)
class Mutant:
    node: int  # position of the mutated node in ast.walk order
    kind: str  # cmp, arith, bool, const, name, drop_if, drop_not, loop
    arg: object  # which operator of a comparison chain, or the new value
    line: int
    before: str
    after: str
    source_line: str  # without its comment
    nth: int = 1  # the same change on the same line text: 1, 2, ...

    def key(self, module: str) -> tuple[str, str, str, str]:
        after = self.after if self.nth == 1 else f"{self.after} #{self.nth}"
        return (module, self.source_line, self.before, after)


def _skipped(tree: ast.AST) -> set[int]:
    """ids of nodes never mutated: annotations, f-strings (messages), decorators."""
    skip: set[int] = set()

    def mark(node: ast.AST | None) -> None:
        if node is not None:
            skip.update(id(n) for n in ast.walk(node))

    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            mark(node)
        elif isinstance(node, ast.arg):
            mark(node.annotation)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for decorator in node.decorator_list:
                mark(decorator)
            if not isinstance(node, ast.ClassDef):
                mark(node.returns)
        elif isinstance(node, ast.AnnAssign):
            mark(node.annotation)
    return skip


def mutants(tree: ast.Module, source: str, scope: tuple[str, ...] = ()) -> Iterator[Mutant]:
    """The mutants of ``source``; with ``scope``, only those inside these top-level
    functions and classes (``Class.method`` for one method of a class)."""
    defs = {node.name: node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    defs.update({f"{cls.name}.{node.name}": node for cls in list(defs.values())
                 if isinstance(cls, ast.ClassDef) for node in cls.body
                 if isinstance(node, ast.FunctionDef)})
    if set(scope) - set(defs):
        raise ValueError(f"no top-level {sorted(set(scope) - set(defs))} in the module")
    spans = [(defs[name].lineno, defs[name].end_lineno or defs[name].lineno) for name in scope]
    seen: dict[tuple[str, str, str], int] = {}
    for mutant in _mutants(tree, source):
        if scope and not any(a <= mutant.line <= b for a, b in spans):
            continue
        key = (mutant.source_line, mutant.before, mutant.after)
        seen[key] = seen.get(key, 0) + 1
        yield dataclasses.replace(mutant, nth=seen[key])


def _mutants(tree: ast.Module, source: str) -> Iterator[Mutant]:
    lines = [re.sub(r"\s+# .*$", "", line).strip() for line in source.splitlines()]
    skip = _skipped(tree)
    parents = {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}

    def make(i: int, node: ast.AST, kind: str, arg: object, before: ast.AST,
             after: ast.AST | str) -> Mutant:
        text = after if isinstance(after, str) else ast.unparse(after)
        return Mutant(i, kind, arg, node.lineno, ast.unparse(before), text, lines[node.lineno - 1])

    for i, node in enumerate(ast.walk(tree)):
        if id(node) in skip or not hasattr(node, "lineno"):
            continue
        if isinstance(node, ast.Compare):
            for j, op in enumerate(node.ops):
                if type(op) in _CMP:
                    yield make(i, node, "cmp", j, node, _apply(node, "cmp", j))
        elif isinstance(node, (ast.BinOp, ast.AugAssign)) and type(node.op) in _ARITH:
            yield make(i, node, "arith", None, node, _apply(node, "arith", None))
        elif isinstance(node, ast.BoolOp):
            yield make(i, node, "bool", None, node, _apply(node, "bool", None))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub)):
            yield make(i, node, "drop_not", None, node, node.operand)
        elif isinstance(node, ast.Constant) and type(node.value) in (int, bool):
            new = (not node.value) if isinstance(node.value, bool) else node.value + 1
            parent = parents.get(id(node))
            context = parent if isinstance(parent, (ast.expr, ast.stmt)) else node
            yield make(i, node, "const", new, context, _apply_in(context, node, new))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in _NAMES:
            yield make(i, node, "name", _NAMES[node.func.id], node,
                       _apply(node, "name", _NAMES[node.func.id]))
        elif isinstance(node, ast.If):
            yield Mutant(i, "drop_if", None, node.lineno, f"if {ast.unparse(node.test)}",
                         "if False", lines[node.lineno - 1])
        elif isinstance(node, (ast.Break, ast.Continue)):
            yield make(i, node, "loop", None, node,
                       "continue" if isinstance(node, ast.Break) else "break")


def _apply(node: ast.AST, kind: str, arg: object) -> ast.AST:
    """A mutated copy of ``node`` (for the kinds that change the node itself)."""
    new = copy.deepcopy(node)
    if kind == "cmp":
        new.ops[arg] = _CMP[type(new.ops[arg])]()  # type: ignore[attr-defined,index]
    elif kind == "arith":
        new.op = _ARITH[type(new.op)]()  # type: ignore[attr-defined]
    elif kind == "bool":
        new.op = _BOOL[type(new.op)]()  # type: ignore[attr-defined]
    elif kind == "name":
        new.func.id = arg  # type: ignore[attr-defined]
    return new


def _apply_in(context: ast.AST, constant: ast.Constant, value: object) -> ast.AST:
    if context is constant:
        return ast.Constant(value)
    new = copy.deepcopy(context)
    for node in ast.walk(new):
        if isinstance(node, ast.Constant) and (node.lineno, node.col_offset) == \
                (constant.lineno, constant.col_offset):
            node.value = value
    return new


def mutated_tree(tree: ast.Module, mutant: Mutant) -> ast.Module:
    new = copy.deepcopy(tree)
    nodes = list(ast.walk(new))
    node = nodes[mutant.node]
    if mutant.kind in ("cmp", "arith", "bool", "name"):
        replacement = _apply(node, mutant.kind, mutant.arg)
    elif mutant.kind == "const":
        replacement = ast.Constant(mutant.arg)
    elif mutant.kind == "drop_not":
        replacement = node.operand  # type: ignore[attr-defined]
    elif mutant.kind == "drop_if":
        node.test = ast.Constant(False)  # type: ignore[attr-defined]
        return ast.fix_missing_locations(new)
    else:
        replacement = ast.Continue() if isinstance(node, ast.Break) else ast.Break()
    ast.copy_location(replacement, node)
    for parent in nodes:
        for field, value in ast.iter_fields(parent):
            if value is node:
                setattr(parent, field, replacement)
            elif isinstance(value, list) and any(v is node for v in value):
                value[[v is node for v in value].index(True)] = replacement
    return ast.fix_missing_locations(new)


class _Serve(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves one module from a compiled (mutated) code object."""

    def __init__(self, name: str, code: object, path: Path) -> None:
        self.name, self.code, self.path = name, code, path

    def find_spec(self, fullname, path=None, target=None):  # type: ignore[no-untyped-def]
        if fullname != self.name:
            return None
        spec = importlib.util.spec_from_loader(fullname, self, origin=str(self.path))
        spec.has_location = True  # type: ignore[union-attr]
        return spec

    def create_module(self, spec):  # type: ignore[no-untyped-def]
        return None

    def exec_module(self, module):  # type: ignore[no-untyped-def]
        module.__file__ = str(self.path)
        exec(self.code, module.__dict__)  # noqa: S102 - the point of the tool


def _project_modules() -> list[str]:
    venv = str(Path(sys.prefix).resolve())
    found = []
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None) or ""
        if file.startswith(str(ROOT)) and not file.startswith(venv) and name != "__main__":
            found.append(name)
    return found


def run_tests(module_path: str, tests: tuple[str, ...], tree: ast.Module | None,
              timeout: float, explicit_only: bool = False) -> tuple[str, str, float]:
    """Run ``tests`` in a forked child with the (mutated) module: (status, failing test, s)."""
    import pytest

    log = tempfile.TemporaryFile()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        try:
            os.setpgid(0, 0)
            for name in _project_modules():
                del sys.modules[name]
            if tree is not None:
                path = ROOT / module_path
                name = module_path.removesuffix(".py").replace("/", ".")
                sys.meta_path.insert(0, _Serve(name, compile(tree, str(path), "exec"), path))
            if explicit_only:  # property tests run their @example cases only
                os.environ["HYPOTHESIS_PROFILE"] = "explicit"
            os.dup2(log.fileno(), 1)
            os.dup2(log.fileno(), 2)
            # The zygote imported the plugins before pytest could rewrite their asserts.
            code = pytest.main([*tests, "-x", "-q", "--tb=no", "-rf", "-p", "no:cacheprovider",
                                "--no-header", "-W", "ignore::pytest.PytestAssertRewriteWarning"])
            sys.stdout.flush()
            os._exit(int(code))
        except BaseException:  # noqa: BLE001 - reported as a tool error by the parent
            import traceback

            os.write(log.fileno(), traceback.format_exc().encode())
            os._exit(99)
    status = ""
    try:
        while not status:
            done, wait_status = os.waitpid(pid, os.WNOHANG)
            if done:
                code = os.waitstatus_to_exitcode(wait_status)
                status = {0: "survived", 1: "killed", 2: "killed"}.get(code, f"error {code}")
            elif time.monotonic() - started > timeout:
                status = "timeout"
            else:
                time.sleep(0.02)
    finally:  # a timeout, or the run itself stopped (Ctrl-C, SIGTERM): the child goes too
        if status in ("", "timeout"):
            os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    log.seek(0)
    output = log.read().decode(errors="replace")
    if status.startswith("error"):
        return status, output[-3000:], time.monotonic() - started
    failed = re.search(r"^(?:FAILED|ERROR) (\S+)", output, re.M)
    return status, failed.group(1) if failed else "", time.monotonic() - started


def _warm() -> None:
    """Import the third-party libraries once; each child re-imports only our code."""
    import hypothesis  # noqa: F401
    import pytest  # noqa: F401

    sys.path.insert(0, str(ROOT / "tests"))
    import conftest  # noqa: F401  (SQLAlchemy and the rest of the app's dependencies)

    sys.path.remove(str(ROOT / "tests"))
    for name in _project_modules():
        del sys.modules[name]


@dataclasses.dataclass
class Result:
    module: str
    mutants: int
    killed: int
    equivalent: int
    survivors: list[Mutant]
    explicit_only: bool

    @property
    def score(self) -> float:
        scored = self.mutants - self.equivalent
        return 100.0 * self.killed / scored if scored else 100.0


def run_module(module: str, *, verbose: bool, lines: set[int], explicit_only: bool) -> Result:
    path, tests = TARGETS[module]
    source = (ROOT / path).read_text(encoding="utf-8")
    tree = ast.parse(source, filename=path)
    found = [m for m in mutants(tree, source, SCOPES.get(module, ()))
             if not lines or m.line in lines]
    equivalent = {key: reason for key, reason in EQUIVALENT.items() if key[0] == module}
    stale = set(equivalent) - {m.key(module) for m in found}
    status, failing, baseline = run_tests(path, tests, None, timeout=600)
    if status != "survived":
        sys.exit(f"{module}: the tests fail without any mutation ({status}: {failing})")
    timeout = max(10.0, 4 * baseline)
    print(f"{module}: {len(found)} mutants, tests {' '.join(tests)} ({baseline:.1f}s clean)",
          flush=True)
    killed, equiv, survivors = 0, 0, []
    for n, mutant in enumerate(found, 1):
        where = f"{Path(path).name}:{mutant.line}"
        change = f"{mutant.before} -> {mutant.after}"
        if mutant.key(module) in equivalent:
            equiv += 1
            if verbose:
                print(f"  [{n}/{len(found)}] {where} equivalent: {change}", flush=True)
            continue
        status, failing, seconds = run_tests(path, tests, mutated_tree(tree, mutant), timeout,
                                             explicit_only)
        if status.startswith("error"):
            sys.exit(f"{where}: {status} while testing {change}\n{failing}")
        if status == "survived":
            survivors.append(mutant)
            print(f"  [{n}/{len(found)}] {where} SURVIVED: {change}", flush=True)
        else:
            killed += 1
            if verbose:
                print(f"  [{n}/{len(found)}] {where} {status} {seconds:.1f}s by {failing}: "
                      f"{change}", flush=True)
    result = Result(module, len(found), killed, equiv, survivors, explicit_only)
    print(f"{module}: {result.mutants} mutants, {killed} killed, {equiv} equivalent, "
          f"{len(survivors)} survived: score {result.score:.1f} %", flush=True)
    if stale and not lines:
        for key in sorted(stale):
            print(f"  stale equivalent entry (no such mutant): {key}", flush=True)
    return result


DOC = ROOT / "docs" / "TESTING.md"
_TABLE = re.compile(r"(<!-- mutation-results -->\n)(.*?)(<!-- /mutation-results -->)", re.S)
_GENERATED, _EXPLICIT = "generated cases too", "@example cases only"
_LIST = re.compile(r"(<!-- mutation-equivalent -->\n)(.*?)(<!-- /mutation-equivalent -->)", re.S)


def write_docs(results: list[Result]) -> None:
    """Update the modules' rows of the results table, and the equivalent mutants, in
    docs/TESTING.md."""
    text = DOC.read_text(encoding="utf-8")
    match = _TABLE.search(text)
    if match is None:
        sys.exit("docs/TESTING.md has no <!-- mutation-results --> table")
    rows = {}
    for row in match.group(2).splitlines()[2:]:
        cells = row.split("|")
        rows[(cells[1].strip().strip("`"), cells[2].strip())] = row
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    for r in results:
        mode = _EXPLICIT if r.explicit_only else _GENERATED
        rows[(r.module, mode)] = (
            f"| `{r.module}` | {mode} | {r.mutants} | {r.killed} | {r.equivalent} | "
            f"{len(r.survivors)} | {r.score:.1f} % | {time.strftime('%Y-%m-%d')}, load {load} |")
    table = ("| module | property tests run | mutants | killed | equivalent | survived | score "
             "| run |\n|---|---|---|---|---|---|---|---|\n"
             + "".join(rows[(m, mode)] + "\n" for m in TARGETS for mode in (_GENERATED, _EXPLICIT)
                       if (m, mode) in rows))
    text = text[:match.start(2)] + table + text[match.end(2):]
    listed = "".join(f"- `{module}`, `{line}`: `{before}` -> `{after}`: {reason}.\n"
                     for (module, line, before, after), reason in EQUIVALENT.items())
    match = _LIST.search(text)
    if match is None:
        sys.exit("docs/TESTING.md has no <!-- mutation-equivalent --> list")
    DOC.write_text(text[:match.start(2)] + listed + text[match.end(2):], encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.mutate",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("module", nargs="+", choices=[*TARGETS, "all"])
    parser.add_argument("--line", type=int, action="append", default=[],
                        help="only the mutants on this line (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument("--keys", action="store_true",
                        help="with --list: each mutant's key, as tools/mutation_equivalents.py "
                             "lists it")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every mutant")
    parser.add_argument("--explicit-only", action="store_true",
                        help="property tests run only their @example cases: what survives "
                             "here is guarded by generated data alone")
    parser.add_argument("--write-docs", action="store_true",
                        help="update the results table in docs/TESTING.md")
    parser.add_argument("--fail-under", type=float, default=0.0,
                        help="exit 1 if a module scores below this percentage")
    args = parser.parse_args(argv)
    modules = list(TARGETS) if "all" in args.module else args.module
    os.chdir(ROOT)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    if args.list:
        for module in modules:
            path, _ = TARGETS[module]
            source = (ROOT / path).read_text(encoding="utf-8")
            for m in mutants(ast.parse(source), source, SCOPES.get(module, ())):
                if not args.line or m.line in args.line:
                    tag = " (equivalent)" if m.key(module) in EQUIVALENT else ""
                    print(f"{Path(path).name}:{m.line} {m.before} -> {m.after}{tag}")
                    if args.keys:
                        print(f"    {m.key(module)!r}")
        return 0
    _warm()
    results = [run_module(m, verbose=args.verbose, lines=set(args.line),
                          explicit_only=args.explicit_only) for m in modules]
    if args.write_docs and not args.line:
        write_docs(results)
    return 1 if any(r.score < args.fail_under for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
