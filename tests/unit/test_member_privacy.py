"""Member data by grade and role: nothing above a viewer's grade reaches the screen."""

from __future__ import annotations

import pytest

from store_client.domain.member_privacy import (FIELD_GRADES, MASKED, MIN_REASON, PERSONALIZATION_FIELDS,
                                                ROLE_GRADE, Grade, PrivacyRefused, birthday_month, grade_of,
                                                reveal, visible_profile)
from store_client.domain.roles import Role

PROFILE = {"member_id": "M1234567890", "tier": "gold", "points": 1200, "name": "王小明",
           "phone": "13812345678", "birthday": "1990-05-17", "address": "上海市静安区南京西路 1 号",
           "purchases": [{"order": "W1"}], "coupons": ["C1"], "browsing": [{"sku": "100001"}],
           "search_keywords": ["粉底"], "wishlist": ["100002"], "abandoned_cart": ["100003"],
           "internal_risk_score": 7}


@pytest.mark.parametrize("role", list(Role))
def test_no_role_sees_a_field_above_its_grade(role):
    shown = visible_profile(PROFILE, role, personalization=True)
    for field in shown:
        assert grade_of(field) <= ROLE_GRADE[role], field
    assert "phone" not in shown and "birthday" not in shown and "address" not in shown


def test_a_cashier_sees_who_the_member_is_and_nothing_they_did():
    shown = visible_profile(PROFILE, Role.CASHIER, personalization=True)
    assert shown == {"member_id": "M1234567890", "tier": "gold", "points": 1200, "name": "王小明",
                     "phone_masked": "138****5678", "birthday_month": 5, "address_masked": "上海市****"}


def test_browsing_needs_consent_purchases_do_not():
    with_consent = visible_profile(PROFILE, Role.ASSOCIATE, personalization=True)
    without = visible_profile(PROFILE, Role.ASSOCIATE, personalization=False)
    assert PERSONALIZATION_FIELDS <= with_consent.keys()
    assert not PERSONALIZATION_FIELDS & without.keys()
    assert without["purchases"] == PROFILE["purchases"] and without["coupons"] == ["C1"]


def test_it_admins_see_no_customer_data():
    assert visible_profile(PROFILE, Role.IT_ADMIN, personalization=True) == {}


def test_unknown_fields_count_as_sensitive():
    assert grade_of("internal_risk_score") is Grade.SENSITIVE
    assert "internal_risk_score" not in visible_profile(PROFILE, Role.MANAGER, personalization=True)
    assert all(grade is not None for grade in FIELD_GRADES.values())


def test_a_manager_reveals_with_a_reason_and_the_audit_gets_it():
    granted = reveal(PROFILE, "phone", Role.MANAGER, "  客户要求更正手机号  ", member_id="M1234567890")
    assert granted.value == "13812345678"
    assert granted.audit_details == {"member_id": "M1234567890", "field": "phone", "reason": "客户要求更正手机号"}


@pytest.mark.parametrize("field,role,reason,code", [
    ("phone", Role.ASSOCIATE, "客户要求更正", "privacy.role"),
    ("phone", Role.CASHIER, "客户要求更正", "privacy.role"),
    ("phone", Role.IT_ADMIN, "客户要求更正", "privacy.role"),
    ("phone", Role.MANAGER, "x" * (MIN_REASON - 1), "privacy.reason_required"),
    ("phone", Role.MANAGER, "    ", "privacy.reason_required"),
    ("address", Role.ASSOCIATE, "配送核对地址", "privacy.role"),
    ("birthday", Role.CASHIER, "生日礼核对", "privacy.role"),
    ("address", Role.MANAGER, "", "privacy.reason_required"),
    ("address_masked", Role.MANAGER, "配送核对地址", "privacy.not_revealable"),
    ("browsing", Role.MANAGER, "配送核对地址", "privacy.not_revealable"),
])
def test_reveals_are_refused(field, role, reason, code):
    with pytest.raises(PrivacyRefused) as refused:
        reveal(PROFILE, field, role, reason, member_id="M1")
    assert refused.value.code == code


def test_revealing_a_value_the_member_never_gave():
    with pytest.raises(PrivacyRefused) as refused:
        reveal({"member_id": "M1"}, "birthday", Role.MANAGER, "生日礼核对", member_id="M1")
    assert refused.value.code == "privacy.no_value"
    assert set(MASKED) == {"phone", "birthday", "address"}


@pytest.mark.parametrize("text,month", [("1990-05-17", 5), ("2000-12-01", 12), ("2000-13-01", None),
                                        ("05-17", None), ("", None), ("1990-xx-01", None)])
def test_birthday_month(text, month):
    assert birthday_month(text) == month
