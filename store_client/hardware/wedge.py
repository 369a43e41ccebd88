"""Keyboard-wedge barcode scanner detection, Qt-free.

A wedge scanner "types" the code much faster than a person, then Enter. The
detector watches key timings: a run of at least ``min_length`` printable keys,
each within ``max_key_interval_ms`` of the previous, ended by Enter within the
same interval, is a scan. Anything slower is a person typing and is left
alone. Times are monotonic milliseconds supplied by the caller (Qt's event
timestamp or a test clock), so the detector is fully testable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

Verdict = Literal["pass", "buffer", "scan", "flush"]


@dataclass
class WedgeDetector:
    max_key_interval_ms: int = 35
    min_length: int = 6
    on_scan: Callable[[str], None] | None = None
    _buffer: list[str] = field(default_factory=list)
    _last_ms: float | None = None

    @classmethod
    def from_config(cls, config, on_scan: Callable[[str], None] | None = None) -> WedgeDetector:
        return cls(config["scanner.max_key_interval_ms"], config["scanner.min_length"], on_scan)

    @property
    def pending(self) -> str:
        return "".join(self._buffer)

    def key(self, text: str, at_ms: float, *, enter: bool = False) -> tuple[Verdict, str]:
        """Feed one key press; returns what to do with it and any text.

        * ``("buffer", "")``: held back, it may be part of a scan;
        * ``("scan", code)``: Enter closed a burst; ``code`` is the scan;
        * ``("flush", text)``: the held keys were a person typing: replay ``text``
          (it includes this key, or is empty if the key was Enter with nothing held);
        * ``("pass", "")``: not ours; deliver the key as usual.
        """
        fast = self._last_ms is not None and 0 <= at_ms - self._last_ms <= self.max_key_interval_ms
        if enter:
            code = self.pending
            if code and fast and len(code) >= self.min_length:
                self._reset()
                if self.on_scan:
                    self.on_scan(code)
                return "scan", code
            held = self.pending
            self._reset()
            return ("flush", held) if held else ("pass", "")
        if len(text) != 1 or not text.isprintable():
            held = self.pending
            self._reset()
            return ("flush", held) if held else ("pass", "")
        if self._buffer and not fast:
            held = self.pending
            self._buffer = [text]
            self._last_ms = at_ms
            return "flush", held
        self._buffer.append(text)
        self._last_ms = at_ms
        return "buffer", ""

    def timeout(self, now_ms: float) -> str:
        """Called when no key came for a while: returns held keys to replay (a person typed)."""
        if self._buffer and self._last_ms is not None and now_ms - self._last_ms > self.max_key_interval_ms:
            held = self.pending
            self._reset()
            return held
        return ""

    def _reset(self) -> None:
        self._buffer.clear()
        self._last_ms = None


def burst(code: str, start_ms: float = 0.0, interval_ms: float = 10.0) -> list[tuple[str, float, bool]]:
    """Test harness: the key events a scanner sends for ``code`` at a given speed, Enter last."""
    events = [(ch, start_ms + i * interval_ms, False) for i, ch in enumerate(code)]
    events.append(("", start_ms + len(code) * interval_ms, True))
    return events
