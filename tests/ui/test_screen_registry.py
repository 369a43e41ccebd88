"""The screen registry: permissions from the matrix, navigation keys Ctrl+1..Ctrl+0."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWidget

from store_client.domain.roles import Decision, Role, decide
from store_client.ui import screen_registry, screen_spec
from store_client.ui.screen_registry import ScreenSpec, registered, screens_for


def test_builtin_screens_are_registered_with_real_permissions() -> None:
    import store_client.ui.screens  # noqa: F401

    keys = [s.key for s in registered()]
    assert {"checkout", "productLookup", "operators", "auditLog", "diagnostics"} <= set(keys)
    assert keys[0] == "checkout"  # Ctrl+1: selling, for every role that sells
    for role in Role:
        first = screens_for(role)[0][0].key
        assert first == ("checkout" if decide(role, "sale.ring") is not Decision.DENY
                         else "productLookup")
    for spec in registered():
        decide(Role.MANAGER, spec.permission)  # raises for an unknown permission name


def test_every_screen_has_an_icon_of_its_own() -> None:
    from store_client.ui.resources_path import ICONS_DIR

    icons = [spec.icon for spec in registered()]
    assert all(icon and (ICONS_DIR / icon).is_file() for icon in icons), icons
    assert len(set(icons)) == len(icons), icons  # two screens with one picture: which is which?


@pytest.mark.parametrize("role", list(Role))
def test_visible_screens_follow_the_matrix_and_keys_are_distinct(role: Role) -> None:
    visible = screens_for(role)
    assert [s.key for s, _ in visible] == [
        s.key for s in registered() if decide(role, s.permission) is not Decision.DENY]
    keys = [k for _, k in visible]
    # rail order, no gaps; a screen after the tenth has no key (a manager sees eleven)
    assert keys == [*(f"Ctrl+{d}" for d in "1234567890"), *[None] * len(keys)][:len(keys)]


def test_a_key_is_registered_once(monkeypatch) -> None:
    monkeypatch.setattr(screen_spec, "_REGISTRY", [])
    screen_registry.register(ScreenSpec("a", "A", QWidget, "stock.lookup"))
    with pytest.raises(ValueError):
        screen_registry.register(ScreenSpec("a", "A again", QWidget, "stock.lookup"))


def test_screens_beyond_the_tenth_are_shown_without_a_key(monkeypatch) -> None:
    monkeypatch.setattr(screen_spec, "_REGISTRY", [])
    for n in range(15):
        screen_registry.register(ScreenSpec(f"s{n}", f"S{n}", QWidget, "stock.lookup"))
    keys = [k for _, k in screens_for(Role.CASHIER)]
    assert keys == [*(f"Ctrl+{d}" for d in "1234567890"), None, None, None, None, None]


def test_rail_order_comes_from_order_not_registration(monkeypatch) -> None:
    monkeypatch.setattr(screen_spec, "_REGISTRY", [])
    screen_registry.register(ScreenSpec("late", "Late", QWidget, "stock.lookup", order=50))
    screen_registry.register(ScreenSpec("first", "First", QWidget, "stock.lookup", order=10))
    screen_registry.register(ScreenSpec("tie", "Tie", QWidget, "stock.lookup", order=50))
    assert [(s.key, k) for s, k in screens_for(Role.CASHIER)] == [
        ("first", "Ctrl+1"), ("late", "Ctrl+2"), ("tie", "Ctrl+3")]
