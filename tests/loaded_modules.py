"""What a piece of the till loads, run in a fresh interpreter (a test's own process has
loaded everything already)."""

from __future__ import annotations

import subprocess
import sys


def loaded_by(code: str, packages: tuple[str, ...]) -> list[str]:
    """Which of ``packages`` (or their submodules) are imported once ``code`` has run."""
    probe = (f"{code}\nimport sys\n"
             f"print(','.join(p for p in {packages!r} if any(m == p or m.startswith(p + '.') "
             "for m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         timeout=60, check=True)
    return [p for p in out.stdout.strip().split(",") if p]
