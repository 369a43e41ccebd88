"""What the till pays in memory for its HQ client: httpx without its command-line client."""

from __future__ import annotations

from tests.loaded_modules import loaded_by


def test_the_hq_client_loads_httpx_without_click_rich_or_pygments() -> None:
    code = "import sync.terminal.transport, httpx\nassert httpx.Client and httpx.AsyncClient"
    assert loaded_by(code, ("httpx",)) == ["httpx"]
    assert loaded_by(code, ("click", "rich", "pygments")) == []
