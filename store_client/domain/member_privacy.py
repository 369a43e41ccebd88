"""Who may see what of a member: every field graded, every role cleared to a grade.

Qt-free and database-free. The retailer grades customer data by sensitivity:

- **basic**: who the member is to the counter (member id, tier, points, masked phone);
- **behavioural**: what they did (purchases in every channel, coupons, and — only with
  their consent to personalization — what they browsed online);
- **sensitive**: full phone number, birthday, address: shown masked, and revealed only
  to a role allowed to, with a reason, and audited by the caller.

A profile is filtered *before* it reaches a screen: a field above the viewer's grade is not
there to be shown by mistake. Unknown fields are treated as sensitive.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from store_client.domain.roles import Role

MIN_REASON = 4  # characters: "查询" is too short to explain anything to an auditor
MAX_REASON = 200


class Grade(IntEnum):
    NONE = 0
    BASIC = 1
    BEHAVIOURAL = 2
    SENSITIVE = 3


FIELD_GRADES: dict[str, Grade] = {
    "member_id": Grade.BASIC, "tier": Grade.BASIC, "points": Grade.BASIC, "phone_masked": Grade.BASIC,
    "name": Grade.BASIC, "card_no": Grade.BASIC, "birthday_month": Grade.BASIC, "address_masked": Grade.BASIC,
    "coupons": Grade.BEHAVIOURAL, "purchases": Grade.BEHAVIOURAL, "points_ledger": Grade.BEHAVIOURAL,
    "browsing": Grade.BEHAVIOURAL, "search_keywords": Grade.BEHAVIOURAL, "wishlist": Grade.BEHAVIOURAL,
    "abandoned_cart": Grade.BEHAVIOURAL, "consents": Grade.BEHAVIOURAL,
    "phone": Grade.SENSITIVE, "birthday": Grade.SENSITIVE, "address": Grade.SENSITIVE,
}

#: Fields that come from online browsing: present only with the member's consent.
PERSONALIZATION_FIELDS = frozenset({"browsing", "search_keywords", "wishlist", "abandoned_cart"})

#: The grade each role sees without asking. Nobody sees sensitive fields by default.
ROLE_GRADE: dict[Role, Grade] = {
    Role.CASHIER: Grade.BASIC,
    Role.ASSOCIATE: Grade.BEHAVIOURAL,
    Role.MANAGER: Grade.BEHAVIOURAL,
    Role.IT_ADMIN: Grade.NONE,  # looks after machines, not customers
}

#: Who may reveal each masked field (with a reason, audited): the field's grade is sensitive,
#: above every role's own, so the list is the only way to it.
REVEAL_ROLES: dict[str, frozenset[Role]] = {
    "phone": frozenset({Role.MANAGER}),
    "birthday": frozenset({Role.MANAGER}),
    "address": frozenset({Role.MANAGER}),
}
#: Who may reveal any masked field (the screen shows the reveal key to them only).
MAY_REVEAL = frozenset().union(*REVEAL_ROLES.values())

#: What a masked field shows instead of its value.
MASKED = {"phone": "phone_masked", "birthday": "birthday_month", "address": "address_masked"}


class PrivacyRefused(PermissionError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def grade_of(field: str) -> Grade:
    return FIELD_GRADES.get(field, Grade.SENSITIVE)


def mask_phone(phone: str) -> str:
    """138****5678."""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


def mask_address(address: str) -> str:
    """The first 3 characters (the province or city, enough to tell two members apart), the
    rest hidden: ``上海市静安区南京西路 1 号`` -> ``上海市****``."""
    address = address.strip() if isinstance(address, str) else ""
    return address[:3] + "****" if len(address) > 3 else ("****" if address else "")


def birthday_month(birthday: str) -> int | None:
    """The month of an ISO date (``1990-05-17`` -> 5): enough for the birthday benefit."""
    parts = birthday.split("-") if isinstance(birthday, str) else []
    if len(parts) == 3 and parts[1].isdigit() and 1 <= int(parts[1]) <= 12:
        return int(parts[1])
    return None


def visible_profile(profile: Mapping[str, Any], role: Role, *, personalization: bool) -> dict[str, Any]:
    """The fields of ``profile`` that ``role`` may see now, sensitive ones replaced by their
    masked form, browsing dropped unless the member consented to personalization."""
    allowed = ROLE_GRADE[Role(role)]
    out: dict[str, Any] = {}
    for field, value in profile.items():
        if field in PERSONALIZATION_FIELDS and not personalization:
            continue
        if grade_of(field) <= allowed:
            out[field] = value
    if allowed >= Grade.BASIC:
        if isinstance(profile.get("phone"), str):
            out["phone_masked"] = mask_phone(profile["phone"])
        if isinstance(profile.get("birthday"), str):
            out["birthday_month"] = birthday_month(profile["birthday"])
        if isinstance(profile.get("address"), str):
            out["address_masked"] = mask_address(profile["address"])
    return out


@dataclass(frozen=True)
class Reveal:
    """A granted reveal: the value, and what the audit entry must record."""

    field: str
    value: Any
    audit_details: dict[str, Any]


def check_reveal(field: str, role: Role, reason: str) -> str:
    """The reason to record (trimmed, at most ``MAX_REASON``) if ``role`` may reveal ``field``
    for it; refused without a reason, for a role that may not, or for a field that is not a
    masked one. Checked before the value is fetched: a refused reveal never sees it."""
    if field not in MASKED:
        raise PrivacyRefused("privacy.not_revealable", f"{field!r} is not a field that is revealed")
    if Role(role) not in REVEAL_ROLES[field]:
        raise PrivacyRefused("privacy.role", f"a {role} may not reveal {field}")
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise PrivacyRefused("privacy.reason_required", "say why the field is needed")
    return reason[:MAX_REASON]


def reveal(profile: Mapping[str, Any], field: str, role: Role, reason: str, *, member_id: str) -> Reveal:
    """Reveal one masked field to ``role`` for ``reason`` (refusals: :func:`check_reveal`)."""
    reason = check_reveal(field, role, reason)
    if field not in profile:
        raise PrivacyRefused("privacy.no_value", f"the member has no {field}")
    return Reveal(field, profile[field], {"member_id": member_id, "field": field, "reason": reason})
