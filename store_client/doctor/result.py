"""One check's answer, and the context every check reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import Any


class Status(IntEnum):
    """Ordered by gravity: the report's exit code is the worst one's value."""

    OK = 0
    WARN = 1
    FAIL = 2

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class CheckResult:
    check: str  # stable id, e.g. "database.integrity"
    status: Status
    summary: str  # what was found
    fix: str = ""  # what to do about it (empty when ok)
    facts: dict[str, Any] = field(default_factory=dict)  # for --json and the support bundle

    def as_dict(self) -> dict[str, Any]:
        return {"check": self.check, "status": self.status.label, "summary": self.summary,
                "fix": self.fix, "facts": self.facts}


def ok(check: str, summary: str, **facts: Any) -> CheckResult:
    return CheckResult(check, Status.OK, summary, "", facts)


def warn(check: str, summary: str, fix: str, **facts: Any) -> CheckResult:
    return CheckResult(check, Status.WARN, summary, fix, facts)


def fail(check: str, summary: str, fix: str, **facts: Any) -> CheckResult:
    return CheckResult(check, Status.FAIL, summary, fix, facts)


@dataclass
class Context:
    """What the checks share: the config (or why it could not be read) and its path.

    ``hq_timeout`` bounds every network check; ``offline`` skips them (the support
    bundle on a PC whose network is the problem must not wait for it).
    """

    config_path: Path
    config: Any = None  # store_client.config.Config when it loaded
    config_error: str | None = None
    hq_timeout: float = 5.0
    offline: bool = False
    cache: dict[str, Any] = field(default_factory=dict)
