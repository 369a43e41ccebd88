"""The permission matrix: complete, sensible for a store, and documented from one source."""

from __future__ import annotations

from pathlib import Path

import pytest

from store_client.domain import roles
from store_client.domain.roles import MATRIX, Decision, Permission, Role, decide

DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"

REQUIRED = {
    "sale.ring", "sale.void_line", "sale.void_transaction", "sale.suspend", "price.override",
    "discount.manual", "return.process", "pickup.handover", "drawer.no_sale", "shift.open",
    "shift.close", "cash.count", "stock.lookup", "stock.count", "member.lookup",
    "member.view_profile", "member.enroll", "reports.view", "dashboard.view", "operator.unlock",
    "operator.manage", "audit.view", "audit.verify", "sync.view", "sync.retry", "printer.manage",
    "diagnostics.view", "settings.manage", "training.mode",
}


def test_role_values_are_the_stored_ones() -> None:
    assert {r.value for r in Role} == {"cashier", "associate", "manager", "it_admin"}


def test_every_required_permission_exists() -> None:
    assert REQUIRED <= {p.value for p in Permission}


def test_matrix_has_a_decision_for_every_role_and_permission() -> None:
    assert set(MATRIX) == set(Role)
    for role in Role:
        assert set(MATRIX[role]) == set(Permission), role
        assert all(isinstance(d, Decision) for d in MATRIX[role].values())


def test_decide_reads_the_matrix_and_accepts_plain_strings() -> None:
    for role in Role:
        for perm in Permission:
            assert decide(role, perm) is MATRIX[role][perm]
            assert decide(role.value, perm.value) is MATRIX[role][perm]


@pytest.mark.parametrize("role, perm", [("owner", "sale.ring"), ("cashier", "sale.steal"),
                                        ("", ""), ("CASHIER", "sale.ring")])
def test_decide_refuses_unknown_names(role: str, perm: str) -> None:
    with pytest.raises(ValueError):
        decide(role, perm)


def test_anything_that_needs_approval_can_be_approved_by_a_manager() -> None:
    needing = {p for role in Role for p, d in MATRIX[role].items() if d is Decision.APPROVAL}
    assert needing, "the store has approval-gated actions"
    for perm in needing:
        assert decide(Role.MANAGER, perm) is Decision.ALLOW, perm


def test_managers_never_need_approval() -> None:
    assert Decision.APPROVAL not in MATRIX[Role.MANAGER].values()


def test_store_policy() -> None:
    for perm in ("sale.void_transaction", "price.override", "drawer.no_sale"):
        assert decide(Role.CASHIER, perm) is Decision.APPROVAL, perm
    assert [r for r in Role if decide(r, "operator.manage") is Decision.ALLOW] == [Role.IT_ADMIN]
    assert [r for r in Role if decide(r, "settings.manage") is Decision.ALLOW] == [Role.IT_ADMIN]
    assert decide(Role.MANAGER, "operator.unlock") is Decision.ALLOW
    assert decide(Role.CASHIER, "operator.unlock") is Decision.DENY
    # IT looks after machines, not money or customers.
    for perm in ("sale.ring", "return.process", "drawer.no_sale", "cash.count",
                 "member.view_profile"):
        assert decide(Role.IT_ADMIN, perm) is Decision.DENY, perm
    # Everyone at the counter can ring a sale and look up stock.
    for role in (Role.CASHIER, Role.ASSOCIATE, Role.MANAGER):
        assert decide(role, "sale.ring") is Decision.ALLOW


def test_labels_exist_in_both_languages() -> None:
    for role in Role:
        assert role.label_zh and role.label_en and role.label_zh != role.label_en
        assert roles.label(role, "zh_CN") == role.label_zh
        assert roles.label(role.value, "en") == role.label_en
    for perm in Permission:
        assert perm.label_zh and perm.label_en


def test_permissions_doc_is_generated_from_the_matrix() -> None:
    assert DOC.read_text(encoding="utf-8") == roles.matrix_markdown()


def test_markdown_table_has_one_row_per_permission_with_the_right_cells() -> None:
    table = [line for line in roles.matrix_markdown().splitlines() if line.startswith("| `")]
    assert len(table) == len(Permission)
    order = [Role.CASHIER, Role.ASSOCIATE, Role.MANAGER, Role.IT_ADMIN]
    words = {Decision.ALLOW: "allow", Decision.APPROVAL: "approval", Decision.DENY: "—"}
    for line, perm in zip(table, Permission, strict=True):
        cells = [c.strip() for c in line.strip("|").split("|")]
        assert cells[0] == f"`{perm.value}`"
        assert cells[2:] == [words[MATRIX[r][perm]] for r in order]
