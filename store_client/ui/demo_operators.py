"""The demo operators as plain rows, for the login screen's demo table and the tour."""

from __future__ import annotations

from store_client.ui.login_screen import demo_rows


def demo_operators() -> list[tuple[str, str, str, str]]:
    """(id, name, role, pin) of every demo operator."""
    from store_client.demo.operators import DEMO_OPERATORS

    return demo_rows(DEMO_OPERATORS)
