"""The till's one keyboard model (docs/keyboard.md): what each key means, and where.

Three layers, and no key means two things within one of them or across the first two:

* **global keys**, the same on every screen while an operator is signed in: F1 help
  for the screen in front of you, F12 lock, Ctrl+Q sign out, and Ctrl+1 … Ctrl+9,
  Ctrl+0 to open the screens in rail order;
* **a screen's own keys**: F2 … F11 for the actions of that screen (its buttons show
  the key), plus a few keys of the screen's own scheme (the checkout's Space and +
  to pay, Up / Down to walk the cart);
* **a dialog's keys**, while the dialog is in front (the screen and the global keys
  wait): Enter operates the default button, Esc closes, and F-keys where the dialog
  has many actions (the payment dialog).

A screen lists its keys in ``key_actions()``; :func:`bind` turns them into Qt
shortcuts that only work while that screen is the one shown. The help overlay
and the keyboard tests read the same lists, so what F1 says is what the keys do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractButton, QPushButton, QWidget

#: Ctrl+<digit> opens the n-th screen of the rail: 1 … 9, then 0 for the tenth.
NAV_DIGITS = "1234567890"
HELP_KEY, LOCK_KEY, SIGN_OUT_KEY = "F1", "F12", "Ctrl+Q"
#: The next / previous screen of the rail: every screen, also those past the tenth.
NEXT_SCREEN_KEY, PREVIOUS_SCREEN_KEY = "Ctrl+PgDown", "Ctrl+PgUp"
#: F-keys a screen or dialog may give its own actions.
SCREEN_FKEYS = tuple(f"F{n}" for n in range(2, 12))


@dataclass(frozen=True)
class KeyAction:
    """One action and the keys that run it (``keys[0]`` is the one shown on buttons)."""

    keys: tuple[str, ...]  # portable QKeySequence text: "F3", "Ctrl+1", "Space"
    label: str  # translated
    slot: Callable[[], object] | None = field(default=None, compare=False)
    button: QAbstractButton | None = field(default=None, compare=False)  # the button it presses


def normalized(key: str) -> str:
    """One spelling per key, so "ctrl+q" and "Ctrl+Q" are the same key."""
    return QKeySequence(key).toString(QKeySequence.SequenceFormat.PortableText)


def nav_key(index: int) -> str | None:
    """The key that opens the screen at rail position ``index`` (0-based), if any."""
    return f"Ctrl+{NAV_DIGITS[index]}" if 0 <= index < len(NAV_DIGITS) else None


def global_actions() -> list[KeyAction]:
    """The fixed global keys (the navigation keys depend on the operator's screens)."""
    return [KeyAction((HELP_KEY,), QCoreApplication.translate("Keys", "Help: the keys of this screen")),
            KeyAction((LOCK_KEY,), QCoreApplication.translate("Keys", "Lock the terminal")),
            KeyAction((SIGN_OUT_KEY,), QCoreApplication.translate("Keys", "Sign out")),
            KeyAction((NEXT_SCREEN_KEY,), QCoreApplication.translate("Keys", "Next screen")),
            KeyAction((PREVIOUS_SCREEN_KEY,), QCoreApplication.translate("Keys", "Previous screen"))]


def key_text(key: str) -> str:
    """A key as the keyboard labels it ("Ctrl+1", "Space")."""
    return QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)


def key_caption(key: str, text: str) -> str:
    """A button caption that shows its key, e.g. "F3  Search"."""
    return f"{key_text(key)}  {text}" if key else text


def in_key_order(actions: Iterable[KeyAction]) -> list[KeyAction]:
    """F2 … F11 first, in number order, then the other keys as listed (for F1's list)."""
    def order(action: KeyAction) -> tuple[int, int]:
        key = action.keys[0]
        number = key[1:] if key.startswith("F") else ""
        return (0, int(number)) if number.isdigit() else (1, 0)

    return sorted(actions, key=order)


def duplicates(actions: Iterable[KeyAction]) -> dict[str, list[str]]:
    """Keys bound to more than one action: {key: [labels]} (empty when the map is sound)."""
    seen: dict[str, list[str]] = {}
    for action in actions:
        for key in action.keys:
            seen.setdefault(normalized(key), []).append(action.label)
    return {key: labels for key, labels in seen.items() if len(labels) > 1}


def register(screen: QWidget, actions: Sequence[KeyAction], *, bind_keys: bool = True) -> None:
    """Declare ``screen``'s own keys (F1 and the tests read them); bind them unless the
    screen runs them itself (the checkout's scan router)."""
    screen._keymap_actions = list(actions)  # type: ignore[attr-defined]
    if bind_keys:
        bind(screen, actions)


def actions_of(screen: QWidget | None) -> list[KeyAction]:
    """The keys ``screen`` declared with :func:`register` (none for a screen without keys)."""
    return list(getattr(screen, "_keymap_actions", [])) if screen is not None else []


def keyed_buttons(screen: QWidget, pairs: Sequence[tuple[str, QAbstractButton]],
                  extra: Sequence[KeyAction] = ()) -> list[KeyAction]:
    """Give each button its key (the caption shows it; the key presses it on this screen)
    and register them, with ``extra`` actions that have no button."""
    actions = []
    for key, button in pairs:
        actions.append(KeyAction((key,), button.accessibleName() or button.text(), None, button))
        button.setText(key_caption(key, button.text()))
    actions += list(extra)
    register(screen, actions)
    return actions


def bind(screen: QWidget, actions: Sequence[KeyAction]) -> list[QShortcut]:
    """Qt shortcuts for ``actions``, live only while ``screen`` (or a child) has the focus.

    An action with a button presses that button (so a disabled button's key does
    nothing, and the action runs exactly as a click would); otherwise its slot runs.
    """
    shortcuts = []
    for action in actions:
        for key in action.keys:
            shortcut = QShortcut(QKeySequence(key), screen)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.setAutoRepeat(False)
            shortcut.activated.connect(_runner(action))
            shortcuts.append(shortcut)
    return shortcuts


def _runner(action: KeyAction) -> Callable[[], None]:
    def run() -> None:
        button = action.button
        if button is not None:
            if button.isVisible() and button.isEnabled():
                button.click()
        elif action.slot is not None:
            action.slot()

    return run


def buttons_take_enter(root: QWidget) -> None:
    """Enter and Return press the focused push button, as Space does (Qt does this only in dialogs)."""
    for button in root.findChildren(QPushButton):
        button.setAutoDefault(True)
