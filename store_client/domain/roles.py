"""Roles, permissions and the one permission matrix of the store.

``MATRIX`` is the single place that says who may do what; services enforce it
through :class:`store_client.services.authorization.Authorizer`, and
``docs/permissions.md`` is generated from it by :func:`matrix_markdown` (a unit
test keeps them equal). Qt-free and database-free.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CASHIER = "cashier"
    ASSOCIATE = "associate"
    MANAGER = "manager"
    IT_ADMIN = "it_admin"

    @property
    def label_zh(self) -> str:
        return _ROLE_LABELS[self][0]

    @property
    def label_en(self) -> str:
        return _ROLE_LABELS[self][1]


_ROLE_LABELS: dict[Role, tuple[str, str]] = {
    Role.CASHIER: ("收银员", "Cashier"),
    Role.ASSOCIATE: ("导购", "Sales associate"),
    Role.MANAGER: ("店长", "Store manager"),
    Role.IT_ADMIN: ("IT 管理员", "IT admin"),
}


def label(role: Role | str, locale: str) -> str:
    """The role's display name in ``locale`` ("zh_CN" or anything else for English)."""
    role = Role(role)
    return role.label_zh if locale.startswith("zh") else role.label_en


class Permission(StrEnum):
    SALE_RING = "sale.ring"
    SALE_VOID_LINE = "sale.void_line"
    SALE_VOID_TRANSACTION = "sale.void_transaction"
    SALE_SUSPEND = "sale.suspend"
    PRICE_OVERRIDE = "price.override"
    DISCOUNT_MANUAL = "discount.manual"
    RETURN_PROCESS = "return.process"
    RETURN_ISSUE_RESOLVE = "return.resolve_issue"
    PICKUP_HANDOVER = "pickup.handover"
    DRAWER_NO_SALE = "drawer.no_sale"
    SHIFT_OPEN = "shift.open"
    SHIFT_CLOSE = "shift.close"
    CASH_COUNT = "cash.count"
    CASH_PAY_IN_OUT = "cash.pay_in_out"
    CASH_PAY_OVER_LIMIT = "cash.pay_over_limit"
    SHIFT_X_REPORT = "shift.x_report"
    SHIFT_ACCEPT_VARIANCE = "shift.accept_variance"
    STOCK_LOOKUP = "stock.lookup"
    STOCK_COUNT = "stock.count"
    STOCK_ADJUST = "stock.adjust"
    MEMBER_LOOKUP = "member.lookup"
    MEMBER_VIEW_PROFILE = "member.view_profile"
    MEMBER_ENROLL = "member.enroll"
    MEMBER_SEARCH_NAME = "member.search_name"
    REPORTS_VIEW = "reports.view"
    DASHBOARD_VIEW = "dashboard.view"
    OPERATOR_UNLOCK = "operator.unlock"
    OPERATOR_MANAGE = "operator.manage"
    AUDIT_VIEW = "audit.view"
    AUDIT_VERIFY = "audit.verify"
    SYNC_VIEW = "sync.view"
    SYNC_RETRY = "sync.retry"
    PRINTER_MANAGE = "printer.manage"
    DIAGNOSTICS_VIEW = "diagnostics.view"
    SETTINGS_MANAGE = "settings.manage"
    TRAINING_MODE = "training.mode"

    @property
    def label_zh(self) -> str:
        return _PERMISSION_LABELS[self][0]

    @property
    def label_en(self) -> str:
        return _PERMISSION_LABELS[self][1]


_PERMISSION_LABELS: dict[Permission, tuple[str, str]] = {
    Permission.SALE_RING: ("收银销售", "Ring up a sale"),
    Permission.SALE_VOID_LINE: ("删除商品行", "Remove a line before payment"),
    Permission.SALE_VOID_TRANSACTION: ("整单作废", "Void a whole transaction"),
    Permission.SALE_SUSPEND: ("挂单 / 取单", "Suspend and resume a sale"),
    Permission.PRICE_OVERRIDE: ("改价", "Override a price"),
    Permission.DISCOUNT_MANUAL: ("手工折扣", "Give a manual discount"),
    Permission.RETURN_PROCESS: ("退货退款", "Process a return or refund"),
    Permission.RETURN_ISSUE_RESOLVE: ("处理退货冲突与储值券透支", "Resolve a return conflict or a credit overdraft"),
    Permission.PICKUP_HANDOVER: ("线上订单自提交付", "Hand over an online pick-up order"),
    Permission.DRAWER_NO_SALE: ("无销售开钱箱", "Open the drawer without a sale"),
    Permission.SHIFT_OPEN: ("开班", "Open a shift"),
    Permission.SHIFT_CLOSE: ("交班", "Close a shift"),
    Permission.CASH_COUNT: ("点钞", "Count the cash drawer"),
    Permission.CASH_PAY_IN_OUT: ("备用金存取", "Pay cash into or out of the drawer"),
    Permission.CASH_PAY_OVER_LIMIT: ("大额存取款", "Pay in or out above the limit"),
    Permission.SHIFT_X_REPORT: ("班中X报表", "Print a mid-shift X report"),
    Permission.SHIFT_ACCEPT_VARIANCE: ("确认长短款", "Accept a cash over/short at close"),
    Permission.STOCK_LOOKUP: ("查库存", "Look up stock"),
    Permission.STOCK_COUNT: ("盘点", "Count stock"),
    Permission.STOCK_ADJUST: ("确认盘点调整", "Approve a stock count adjustment"),
    Permission.MEMBER_LOOKUP: ("查会员", "Look up a member"),
    Permission.MEMBER_VIEW_PROFILE: ("查看会员档案", "View a member's profile"),
    Permission.MEMBER_ENROLL: ("会员注册", "Enrol a member"),
    Permission.MEMBER_SEARCH_NAME: ("按姓名查会员", "Search members by name"),
    Permission.REPORTS_VIEW: ("查看报表", "View reports"),
    Permission.DASHBOARD_VIEW: ("查看经营看板", "View the store dashboard"),
    Permission.OPERATOR_UNLOCK: ("解锁员工账号", "Unlock a locked-out operator"),
    Permission.OPERATOR_MANAGE: ("管理员工账号", "Create, change and deactivate operators"),
    Permission.AUDIT_VIEW: ("查看审计日志", "View the audit log"),
    Permission.AUDIT_VERIFY: ("校验审计日志", "Verify the audit chain"),
    Permission.SYNC_VIEW: ("查看同步状态", "View sync status"),
    Permission.SYNC_RETRY: ("重试同步", "Retry failed sync"),
    Permission.PRINTER_MANAGE: ("管理打印机", "Set up and test printers"),
    Permission.DIAGNOSTICS_VIEW: ("查看诊断信息", "View diagnostics"),
    Permission.SETTINGS_MANAGE: ("修改终端设置", "Change terminal settings"),
    Permission.TRAINING_MODE: ("培训模式", "Switch training mode"),
}


class Decision(StrEnum):
    ALLOW = "allow"
    APPROVAL = "approval"  # allowed only with a manager's approval, given at the terminal
    DENY = "deny"


def _row(cashier: str, associate: str, manager: str, it_admin: str) -> tuple[Decision, ...]:
    return tuple(Decision(x) for x in (cashier, associate, manager, it_admin))


A, P, D = "allow", "approval", "deny"
# Columns: cashier, associate, manager, IT admin.
# IT admins look after the machine, not the money or the customers: no sales, no cash,
# no member profiles. Cashiers own a till and its drawer; the risky money moves (void a
# transaction, price override, manual discount, return, no-sale drawer) need a manager.
# Associates work the floor (stock, members, pick-ups) and may ring a sale on an open till.
_TABLE: dict[Permission, tuple[Decision, ...]] = {
    Permission.SALE_RING: _row(A, A, A, D),
    Permission.SALE_VOID_LINE: _row(A, A, A, D),
    Permission.SALE_VOID_TRANSACTION: _row(P, P, A, D),
    Permission.SALE_SUSPEND: _row(A, A, A, D),
    Permission.PRICE_OVERRIDE: _row(P, P, A, D),
    Permission.DISCOUNT_MANUAL: _row(P, P, A, D),
    Permission.RETURN_PROCESS: _row(P, P, A, D),
    # Writing off money, or saying it was recovered: the manager's own call, never approved for another.
    Permission.RETURN_ISSUE_RESOLVE: _row(D, D, A, D),
    Permission.PICKUP_HANDOVER: _row(A, A, A, D),
    Permission.DRAWER_NO_SALE: _row(P, D, A, D),
    Permission.SHIFT_OPEN: _row(A, D, A, D),
    Permission.SHIFT_CLOSE: _row(A, D, A, D),
    Permission.CASH_COUNT: _row(A, D, A, D),
    Permission.CASH_PAY_IN_OUT: _row(A, D, A, D),
    Permission.CASH_PAY_OVER_LIMIT: _row(P, D, A, D),
    # The X report shows the expected cash: a cashier sees it only with a manager (blind close).
    Permission.SHIFT_X_REPORT: _row(P, D, A, D),
    Permission.SHIFT_ACCEPT_VARIANCE: _row(P, D, A, D),
    Permission.STOCK_LOOKUP: _row(A, A, A, A),
    Permission.STOCK_COUNT: _row(D, A, A, D),
    # A count's result moves stock: a manager approves it (a second manager above the limit).
    Permission.STOCK_ADJUST: _row(D, P, A, D),
    Permission.MEMBER_LOOKUP: _row(A, A, A, D),
    Permission.MEMBER_VIEW_PROFILE: _row(A, A, A, D),
    Permission.MEMBER_ENROLL: _row(A, A, A, D),
    # A name finds many people: a manager only, each search audited (docs/members.md).
    Permission.MEMBER_SEARCH_NAME: _row(D, D, A, D),
    Permission.REPORTS_VIEW: _row(D, D, A, D),
    Permission.DASHBOARD_VIEW: _row(D, D, A, D),
    Permission.OPERATOR_UNLOCK: _row(D, D, A, A),
    Permission.OPERATOR_MANAGE: _row(D, D, D, A),
    Permission.AUDIT_VIEW: _row(D, D, A, A),
    Permission.AUDIT_VERIFY: _row(D, D, A, A),
    Permission.SYNC_VIEW: _row(D, D, A, A),
    Permission.SYNC_RETRY: _row(D, D, A, A),
    Permission.PRINTER_MANAGE: _row(D, D, A, A),
    Permission.DIAGNOSTICS_VIEW: _row(D, D, A, A),
    Permission.SETTINGS_MANAGE: _row(D, D, D, A),
    Permission.TRAINING_MODE: _row(P, P, A, D),
}
del A, P, D

_ROLE_ORDER = (Role.CASHIER, Role.ASSOCIATE, Role.MANAGER, Role.IT_ADMIN)

MATRIX: dict[Role, dict[Permission, Decision]] = {
    role: {perm: decisions[i] for perm, decisions in _TABLE.items()}
    for i, role in enumerate(_ROLE_ORDER)
}


def decide(role: Role | str, permission: Permission | str) -> Decision:
    """What ``role`` may do about ``permission``; unknown names raise ValueError."""
    return MATRIX[Role(role)][Permission(permission)]


_CELL = {Decision.ALLOW: "allow", Decision.APPROVAL: "approval", Decision.DENY: "—"}


def matrix_markdown() -> str:
    """``docs/permissions.md``, generated from :data:`MATRIX` so the two never drift."""
    lines = [
        "# Permissions",
        "",
        ("Generated from `store_client/domain/roles.py` (`roles.matrix_markdown()`); "
        "do not edit by hand."),
        "A unit test fails when this file and the matrix differ. Regenerate with:",
        "",
        "```",
        ("python -c \"from store_client.domain.roles import matrix_markdown as m; "
        "open('docs/permissions.md','w',encoding='utf-8').write(m())\""),
        "```",
        "",
        "- **allow**: the role may do it.",
        ("- **approval**: only with a manager's approval entered at the terminal "
        "(manager id + PIN and a reason); the approval is single-use, for that action and "
        "that requester, and expires after 2 minutes."),
        "- **—**: refused. Every refusal is written to the audit log (`permission.denied`).",
        "",
        ("The matrix is enforced in the service layer (`Authorizer.require`), not only by "
        "hiding buttons."),
        "",
        "| Permission | What it covers | "
        + " | ".join(f"{r.label_en} ({r.label_zh})" for r in _ROLE_ORDER)
        + " |",
        "|---|---|" + "---|" * len(_ROLE_ORDER),
    ]
    for perm in Permission:
        cells = " | ".join(_CELL[MATRIX[r][perm]] for r in _ROLE_ORDER)
        lines.append(f"| `{perm.value}` | {perm.label_en} ({perm.label_zh}) | {cells} |")
    return "\n".join(lines) + "\n"
