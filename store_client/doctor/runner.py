"""Running every check in order; the report as text or JSON; the exit code by the worst."""

from __future__ import annotations

import json
import platform
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from store_client import __version__
from store_client.doctor import devices, local, remote
from store_client.doctor.result import CheckResult, Context, Status, fail

LocalCheck = Callable[[Context], CheckResult]
#: The order of the report: this PC first, then HQ, then the devices, then sync's state.
BEFORE_HQ: tuple[LocalCheck, ...] = (local.check_database, local.check_disk,
                                     local.check_permissions, local.check_token_store)
AFTER_HQ: tuple[LocalCheck, ...] = (devices.check_printer, devices.check_scanner,
                                    local.check_fonts, local.check_outbox, local.check_pulls)


@dataclass(frozen=True)
class Report:
    results: list[CheckResult]
    generated_at: str

    @property
    def worst(self) -> Status:
        return max((r.status for r in self.results), default=Status.OK)

    @property
    def exit_code(self) -> int:
        """0 all ok, 1 a warning, 2 a failure."""
        return int(self.worst)

    def as_dict(self) -> dict[str, Any]:
        return {"store_client": __version__, "python": platform.python_version(),
                "platform": sys.platform, "generated_at": self.generated_at,
                "worst": self.worst.label, "checks": [r.as_dict() for r in self.results]}

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2, default=str)

    def to_text(self) -> str:
        lines = []
        for r in self.results:
            lines.append(f"[{r.status.label.upper():<4}] {r.check:<14} {r.summary}")
            if r.fix:
                lines.append(f"{'':21}fix: {r.fix}")
        counts = {s: sum(r.status is s for r in self.results) for s in Status}
        lines.append(f"{counts[Status.OK]} ok, {counts[Status.WARN]} warning(s), "
                     f"{counts[Status.FAIL]} failure(s)")
        return "\n".join(lines)


def _guarded(check: LocalCheck, ctx: Context) -> CheckResult:
    """A check that crashes is a failed check naming the crash, never a doctor traceback."""
    try:
        return check(ctx)
    except Exception as exc:  # noqa: BLE001
        name = check.__name__.removeprefix("check_")
        return fail(name, f"the check itself failed: {type(exc).__name__}: {exc}",
                    "send 'store-client support-bundle' to support")


def diagnose(config_path: Path | None = None, *, config: Any = None, offline: bool = False,
             hq_timeout: float = 5.0) -> Report:
    """Every check for the configuration at ``config_path`` (or an already loaded ``config``)."""
    from store_client import config as cfg

    path = config_path or (config.path if config is not None else cfg.locate(None))
    ctx = Context(config_path=Path(path), config=config, hq_timeout=hq_timeout, offline=offline)
    if ctx.config is None:
        try:
            ctx.config = cfg.load(path)
        except cfg.ConfigError as exc:
            ctx.config_error = str(exc)
    results = [local.check_config(ctx)]
    if ctx.config is not None:
        results += [_guarded(check, ctx) for check in BEFORE_HQ]
        try:
            results += remote.check_hq(ctx)
        except Exception as exc:  # noqa: BLE001
            results.append(fail("hq.reachable", f"the check itself failed: {exc}",
                                "send 'store-client support-bundle' to support"))
        results += [_guarded(check, ctx) for check in AFTER_HQ]
    else:
        results.append(_guarded(local.check_fonts, ctx))
    return Report(results, datetime.now(UTC).isoformat(timespec="seconds"))
