"""Run every benchmark suite (or the ones named): ``python -m benchmarks [suite ...]``.

A suite is a module ``benchmarks/bench_<name>.py`` with ``run(args) -> None`` that
measures and calls :func:`benchmarks.report.write_section`.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

import benchmarks
from benchmarks import report


def suites() -> list[str]:
    return sorted(m.name.removeprefix("bench_") for m in pkgutil.iter_modules(benchmarks.__path__)
                  if m.name.startswith("bench_"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("suite", nargs="*", help=f"suites to run (default all): {', '.join(suites())}")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--only", metavar="CASES", default="",
                        help="comma-separated cases of a suite to run, for suites that have cases "
                             "(sync: drain, deltas, bootstrap); default all")
    parser.add_argument("--dry-run", action="store_true",
                        help="print the results; leave docs/BENCHMARKS.md as it is")
    args = parser.parse_args(argv)
    report.DRY_RUN = args.dry_run
    for name in args.suite or suites():
        if name not in suites():
            parser.error(f"unknown suite {name!r}")
        print(f"== {name}", flush=True)
        importlib.import_module(f"benchmarks.bench_{name}").run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
