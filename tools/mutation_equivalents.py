"""Mutants of the money modules that no test can kill, each with the reason why.

Keyed as :meth:`tools.mutate.Mutant.key` prints them: (module, the source line, the code
before, the code after). ``python -m tools.mutate`` skips these and reports an entry that
matches no mutant any more, so the list cannot silently go stale.
"""

from __future__ import annotations

EQUIVALENT: dict[tuple[str, str, str, str], str] = {
}
