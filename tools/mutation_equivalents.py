"""Mutants of the money modules that no test can kill, each with the reason why.

Keyed as ``python -m tools.mutate MODULE --list --keys`` prints them: (module, the source
line without its comment, the code before, the code after). The tool skips these and
reports an entry that matches no mutant any more, so the list cannot silently go stale.
"""

from __future__ import annotations

_ZERO_DENOMINATOR = "a zero denominator, negated or not, fails in divmod the same way"
_ZERO_QUOTIENT = "a numerator of 0 gives a quotient of 0, and -0 == 0"
_ZERO_TOTAL = "a total of 0 gives parts of 0 whatever their sign"
_ZERO_QTY = "a quantity of 0 was dropped from the selection above"
_NOTHING_LEFT = "with nothing left to refund every later take is 0 and is skipped"
_NO_POINTS = "0 points earned reverse 0 points either way"
_SHORTCUT = "an early exit; the general path below gives the same result"
_CACHE = "the size of a look-up cache; no price depends on it"
_CONSISTENCY = ("the engine's own consistency check: no correct stage books a discount outside "
                "0..net, so it never fires")
_WORTHLESS = ("a redemption worth 0 has 0 points (a point adds at most 1 fen when a point is "
              "worth less than one), which the minimum of at least 1 point already refuses")

_CHANGE_FROM_CASH = ("only cash gives change, and never more than the cash (domain/tenders.py): a "
                     "sale with change has a cash tender, so the default is never read")

EQUIVALENT: dict[tuple[str, str, str, str], str] = {
    ("money", "if denominator < 0:", "denominator < 0", "denominator <= 0"): _ZERO_DENOMINATOR,
    ("money", "if denominator < 0:", "denominator < 0", "denominator < 1"): _ZERO_DENOMINATOR,
    ("money", "return quotient if numerator >= 0 else -quotient", "numerator >= 0",
     "numerator > 0"): _ZERO_QUOTIENT,
    ("money", "return quotient if numerator >= 0 else -quotient", "numerator >= 0",
     "numerator >= 1"): _ZERO_QUOTIENT,
    ("money", "sign = -1 if total < 0 else 1", "total < 0", "total <= 0"): _ZERO_TOTAL,
    ("money", "sign = -1 if total < 0 else 1", "total < 0", "total < 1"): _ZERO_TOTAL,

    ("tenders", "not _is_int(tender.points) or tender.points <= 0", "tender.points <= 0",
     "tender.points < 0"): "0 points are worth 0, never the positive amount of a tender, so "
                           "the value check refuses them as well",

    ("refunds", "if not _is_int(qty) or qty < 0:", "qty < 0", "qty <= 0"): _ZERO_QTY,
    ("refunds", "if not _is_int(qty) or qty < 0:", "qty < 0", "qty < 1"): _ZERO_QTY,
    ("refunds", "if not left:", "if not left", "if False"): _NOTHING_LEFT,
    ("refunds", "break", "break", "continue"): _NOTHING_LEFT,
    ("refunds", "if points_earned <= 0 or money_paid_fen <= 0:", "points_earned <= 0",
     "points_earned < 0"): _NO_POINTS,

    ("coupons", "min_spend_fen: int = 0", "min_spend_fen: int = 0", "min_spend_fen: int = 1"):
        "the minimum is checked only against at least 1 fen of eligible items",
    ("coupons", "if eligible_fen <= 0 or eligible_fen < self.min_spend_fen:", "eligible_fen <= 0",
     "eligible_fen < 0"): "nothing eligible gives 0 off on every path below (0 // every_fen, "
                          "0 % of 0, min(amount, 0))",

    ("pricing", "if net <= 0:", "if net <= 0", "if False"):
        "a net of 0 clamps every rule's amount to 0 below",
    ("pricing", "if net <= 0:", "net <= 0", "net < 0"): "a net is never below 0",
    ("pricing", "return amount if 0 <= amount <= net else (0 if amount < 0 else net)",
     "0 <= amount <= net", "0 <= amount < net"): "an amount equal to the net is clamped to the net",
    ("pricing", "if not live:", "if not live", "if False"):
        "with no line left a threshold's subtotal is 0 and nothing is free; " + _SHORTCUT,
    ("pricing", "if type(promo) is Threshold:", "if type(promo) is Threshold", "if False #2"):
        "the threshold total without allocating equals the allocated total "
        "(test_threshold_total_shortcut_matches_its_allocation); " + _SHORTCUT,
    ("pricing", "if not promos:", "if not promos", "if False"): _SHORTCUT,
    ("pricing", "if amount <= 0 or not live:", "if amount <= 0 or not live", "if False"):
        "callers spread 0 when no line has a net left, and 0 spread books nothing",
    ("pricing", "if amount <= 0 or not live:", "amount <= 0", "amount < 0"):
        "0 spread over the lines is 0 on each, and a 0 discount is never booked",
    ("pricing", "if amount <= 0 or not live:", "amount <= 0 or not live",
     "amount <= 0 and (not live)"): "0 spread books nothing, and callers spread 0 when no "
                                    "line has a net left",
    ("pricing", "return amount if 0 <= amount <= net else (0 if amount < 0 else net)",
     "amount < 0", "amount <= 0"): "an amount of 0 took the first branch",
    ("pricing", "live = [i for i in idxs if self.net[i] > 0]", "self.net[i] > 0",
     "self.net[i] >= 0"): "a line with nothing left weighs 0 in the allocation and gets 0",
    ("pricing", "return amount if 0 <= amount <= net else (0 if amount < 0 else net)",
     "amount < 0", "amount < 1"): "here the amount is below 0 or above a net of at least 1",
    ("pricing", "break", "break", "continue"):
        "once a line's net is 0 every later promotion meets the same check and is skipped",
    ("pricing", "break", "break", "continue #2"):
        "once nothing is free every further take is 0, and a 0 discount is never booked",
    ("pricing", "subtotal = sum(n for n in (net[i] for i in idxs) if n > 0)", "n > 0", "n >= 0"):
        "adding nets of 0 changes no sum",
    ("pricing", "(d.amount_fen or 0, d.percent_bp or 0) if d else (0, 0), line.line_id)", "(0, 0)",
     "(1, 0)"): "a line without a manual discount then sorts level with the same line taking "
                "0.01 off, whose net is 0.01 less; nets 0.01 apart never tie for a leftover fen "
                "(equal remainders would need a total that divides evenly)",
    ("pricing", "(d.amount_fen or 0, d.percent_bp or 0) if d else (0, 0), line.line_id)",
     "d.percent_bp or 0", "d.percent_bp or 1"): "every line with an amount off gets the same "
                                                 "second element, and differs from a line "
                                                 "with a percentage off in the first",
    ("pricing", "if not stackable and not exclusive:", "if not stackable and (not exclusive)",
     "if False"): _SHORTCUT,
    ("pricing", "if not plan:", "if not plan", "if False"):
        "an empty plan books nothing and leaves the net as it was",
    ("pricing", "if not free:", "if not free", "if False"):
        "with no unit free every take is 0, and a 0 discount is never booked",
    ("pricing", "_KEEP = 8", "_KEEP = 8", "_KEEP = 9"): _CACHE,
    ("pricing", "if len(self._compiled) >= self._KEEP:", "if len(self._compiled) >= self._KEEP",
     "if False"): _CACHE,
    ("pricing", "if len(self._compiled) >= self._KEEP:", "len(self._compiled) >= self._KEEP",
     "len(self._compiled) > self._KEEP"): _CACHE,
    ("pricing", "if len(self._cache) >= 100_000:", "if len(self._cache) >= 100000", "if False"):
        _CACHE,
    ("pricing", "if len(self._cache) >= 100_000:", "len(self._cache) >= 100000",
     "len(self._cache) > 100000"): _CACHE,
    ("pricing", "if len(self._cache) >= 100_000:", "len(self._cache) >= 100000",
     "len(self._cache) >= 100001"): _CACHE,
    ("pricing", "if not free:", "if not free", "if False #2"):
        "once nothing is free every further take is 0, and a 0 discount is never booked",
    ("pricing", "if not 0 < amount <= net[i]:", "if not 0 < amount <= net[i]", "if False"):
        _CONSISTENCY,
    ("pricing", "if not 0 < amount <= net[i]:", "0 < amount <= net[i]", "0 <= amount <= net[i]"):
        "the amount is not 0 here (if amount: just above)",

    ("points", "if points < config.min_redeem_points or worth <= 0:", "worth <= 0",
     "worth < 0"): _WORTHLESS,

    ("receipt_proof", "tenders[\"cash\"] = tenders.get(\"cash\", 0) - int(sale[\"change_minor\"])",
     "tenders.get('cash', 0)", "tenders.get('cash', 1)"): _CHANGE_FROM_CASH,
    ("returnables", "tenders[\"cash\"] = tenders.get(\"cash\", 0) - int(sale[\"change_minor\"])",
     "tenders.get('cash', 0)", "tenders.get('cash', 1)"): _CHANGE_FROM_CASH,
    ("repricing", "live += 1", "live += 1", "live -= 1"):
        "the live lines are counted only to skip the pass that drops the lines no longer in the "
        "cart; a wrong count runs that pass, which then drops nothing",
    ("pickup", "return list(zip(parts, nets, strict=True))", "True", "False"):
        "both lists are built one per line of the same gross: their lengths never differ",
}
