"""Writing benchmark results into docs/BENCHMARKS.md, one section per suite.

Each suite owns the text between ``<!-- bench:NAME -->`` and
``<!-- /bench:NAME -->``; re-running a suite replaces only its own section.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
from datetime import datetime, timezone
from pathlib import Path

REPORT = Path(__file__).resolve().parent.parent / "docs" / "BENCHMARKS.md"
HEADER = (
    "# Benchmarks\n\n"
    "Measured by `python -m benchmarks` (see the README section on benchmarks); not part of the\n"
    "test run. Each section states the machine it ran on. The machine is shared and noisy, so\n"
    "figures are medians and percentiles over repeated runs, with ratios to a bare baseline\n"
    "measured in the same run.\n"
)


def percentile(samples: list[float], pct: float) -> float:
    """Nearest-rank percentile (pct in 0..100)."""
    ordered = sorted(samples)
    if not ordered:
        raise ValueError("no samples")
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                          if line.startswith("MemTotal")))
        mem = f"{mem_kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        mem = "unknown memory"
    try:
        import sqlite3
        sqlite = sqlite3.sqlite_version
    except ImportError:  # pragma: no cover
        sqlite = "?"
    return (f"{cpu}, {os.cpu_count()} cores, {mem}; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}, SQLite {sqlite}")


def git_revision() -> str:
    """Short commit id, with ``-dirty`` when the measured tree had uncommitted changes."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], capture_output=True, text=True,
                              cwd=REPORT.parent.parent, check=True).stdout.strip()

    try:
        dirty = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!docs")
        return git("rev-parse", "--short", "HEAD") + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


DRY_RUN = False  # --dry-run: results are printed by the suites, the report file is left alone


def write_section(name: str, title: str, body: str) -> None:
    """Replace (or append) the section ``name`` with ``body`` (Markdown)."""
    if DRY_RUN:
        return
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    block = (f"{start}\n## {title}\n\n_Run {stamp} at commit {git_revision()} on: {machine()}_\n\n"
             f"{body.strip()}\n{end}")
    text = REPORT.read_text(encoding="utf-8") if REPORT.exists() else HEADER
    if start in text and end in text:
        before, rest = text.split(start, 1)
        _, after = rest.split(end, 1)
        text = before + block + after
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(text, encoding="utf-8")


def table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(rows_i) + " |" for rows_i in rows]
    return "\n".join(lines)
