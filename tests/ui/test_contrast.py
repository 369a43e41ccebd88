"""Text contrast of at least 4.5:1 (WCAG AA) for every colour pair the theme paints.

The pairs come from the style sheets themselves (the theme file and the screens'
own sheets): a rule with a text colour and a background is one pair; a text colour
without a background is read against the window and the base (white) colours.
Disabled buttons are included: a greyed caption must still be read.
"""

from __future__ import annotations

import re

import pytest

from store_client.ui.theme import TONES, theme_path

WINDOW, BASE = "#f4f6f9", "#ffffff"
#: Text painted over a dark container with no background of its own (the rail, the status bar).
CONTAINERS = {'kind="rail"': "#0b2e59", 'kind="railTitle"': "#0b2e59", "QStatusBar": "#0b2e59"}
RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
COLOR = re.compile(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6})")
BACKGROUND = re.compile(r"background(?:-color)?:\s*(#[0-9a-fA-F]{6})")


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def style_sheets() -> dict[str, str]:
    from store_client.ui.checkout import side_panel  # noqa: F401 - imports the screens' sheets
    from store_client.ui.screens import checkout, returns_screen

    sheets = {"light.qss": theme_path().read_text(encoding="utf-8"),
              "checkout": checkout.STYLE, "returns": returns_screen.STYLE}
    return sheets


def pairs() -> list[tuple[str, str, str, str]]:
    """(sheet, selector, text colour, background) for every rule that sets a text colour."""
    found = []
    for sheet, text in style_sheets().items():
        text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        rules = {sel.strip(): body for sel, body in RULE.findall(text)}
        for selector, body in rules.items():
            colour = COLOR.search(body)
            if colour is None and ":" in selector and BACKGROUND.search(body):  # a state: its colour
                colour = COLOR.search(rules.get(selector.rsplit(":", 1)[0], ""))  # is the base rule's
            if colour is None or "selection" in selector:
                continue
            background = BACKGROUND.search(body)
            if background is None and selector.endswith(":disabled"):  # the base rule's background
                base_rule = rules.get(selector.removesuffix(":disabled"), "")
                background = BACKGROUND.search(base_rule)
            container = next((bg for name, bg in CONTAINERS.items() if name in selector), None)
            if background is not None:
                found.append((sheet, selector, colour.group(1), background.group(1)))
            elif container is not None:
                found.append((sheet, selector, colour.group(1), container))
            else:
                found += [(sheet, selector, colour.group(1), WINDOW), (sheet, selector, colour.group(1), BASE)]
    return found


def test_the_known_failure_is_computed_as_such() -> None:
    assert round(contrast("#ffffff", "#7f9fc3"), 1) == 2.7  # the old disabled "complete sale"
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)


def test_the_sheets_are_parsed() -> None:
    selectors = {(sheet, selector) for sheet, selector, _c, _b in pairs()}
    assert ("light.qss", 'QPushButton[primary="true"]:disabled') in selectors
    assert ("light.qss", "QPushButton:disabled") in selectors
    assert len(selectors) >= 15


@pytest.mark.parametrize("pair", pairs(), ids=lambda p: f"{p[0]}:{p[1]}:{p[3]}")
def test_text_contrast_is_at_least_4_5(pair: tuple[str, str, str, str]) -> None:
    sheet, selector, colour, background = pair
    assert contrast(colour, background) >= 4.5, (sheet, selector, colour, background)


@pytest.mark.parametrize("tone", sorted(TONES))
def test_white_text_on_every_status_tone(tone: str) -> None:
    assert contrast("#ffffff", TONES[tone]) >= 4.5, (tone, TONES[tone])
