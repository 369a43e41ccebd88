"""Store credit note codes: ``CN`` + 12 random digits + 2 check digits (ISO 7064 MOD 97-10,
the IBAN scheme): a mistyped or made-up code fails the check and is refused as not genuine
before anything is looked up; one that passes but was never issued is "unknown".

Shared by the till that issues and spends a note, the event validators and HQ's ledger, so
each side refuses a mistyped or forged code the same way, before anything is looked up.
"""

from __future__ import annotations

import re
import secrets

CREDIT_PREFIX = "CN"
CREDIT_CODE = re.compile(r"CN[0-9]{14}")


def _check_digits(body: str) -> str:
    return f"{98 - (int(body) * 100) % 97:02d}"


def new_credit_code() -> str:
    """A fresh code; unguessable (12 random digits: one in 10^12) and self-checking."""
    body = f"{secrets.randbelow(10**12):012d}"
    return f"{CREDIT_PREFIX}{body}{_check_digits(body)}"


def credit_code_genuine(code: object) -> bool:
    """Whether ``code`` has the form and check digits of a credit note code."""
    if not isinstance(code, str) or not CREDIT_CODE.fullmatch(code):
        return False
    return _check_digits(code[2:14]) == code[14:]
