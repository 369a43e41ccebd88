"""Exponential backoff with full jitter, capped (AWS architecture blog's "full jitter")."""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Backoff:
    base: float = 0.5
    cap: float = 300.0
    failures: int = 0
    rng: random.Random = field(default_factory=random.Random)

    def next_delay(self) -> float:
        """Seconds to wait after one more failure: uniform in [0, min(cap, base * 2**n)]."""
        ceiling = min(self.cap, self.base * (2 ** min(self.failures, 62)))
        self.failures += 1
        return self.rng.uniform(0, ceiling)

    def reset(self) -> None:
        self.failures = 0
