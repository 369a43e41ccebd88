"""The status bar says which side needs an upgrade while HQ refuses the till's protocol."""

from __future__ import annotations

from store_client.services.sync_status import SyncStatus
from store_client.ui.operations.sync import SyncOps
from store_client.ui.sync_indicator import SyncIndicator
from sync.terminal.transport import ProtocolMismatch


def _offline_with(error: str | None) -> SyncStatus:
    return SyncStatus(state="offline", pending=2, needs_attention=0, oldest_pending_age=None,
                      last_success=None, skew=None, last_error=error, dataset_errors={})


def test_a_protocol_refusal_names_the_side_to_upgrade_in_chinese(make_shell) -> None:
    shell = make_shell(locale="zh_CN")
    indicator = SyncIndicator(shell.window.status, SyncOps(shell.window.backend, None),
                              shell.window.hub, None)
    try:
        too_old = str(ProtocolMismatch("protocol_too_old", "Upgrade the till"))
        too_new = str(ProtocolMismatch("protocol_too_new", "HQ must be upgraded first"))
        text, tone = indicator.describe(_offline_with(too_old))
        assert text.startswith("离线：本收银机需要升级") and tone == "error"
        text, tone = indicator.describe(_offline_with(too_new))
        assert text.startswith("离线：总部需要升级") and tone == "error"
        text, tone = indicator.describe(_offline_with("ConnectError: refused"))
        assert "升级" not in text and tone == "warn"
    finally:
        indicator.stop()
        shell.settle()
