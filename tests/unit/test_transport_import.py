"""What the till pays in memory for its HQ client: httpx without its command-line client."""

from __future__ import annotations

import subprocess
import sys


def test_the_hq_client_loads_httpx_without_click_rich_or_pygments() -> None:
    code = ("import sys\nimport sync.terminal.transport, httpx\n"
            "assert httpx.Client and httpx.AsyncClient\n"
            "print(sorted(m for m in ('click', 'rich', 'pygments') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True)
    assert out.stdout.strip() == "[]"
