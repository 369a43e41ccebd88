"""The doctor: checks of a counter PC, each answered ok / warn / fail with the fix.

Plain Python (no Qt): ``store-client doctor`` prints them, the Diagnostics screen
shows the same results, ``provision`` ends with some of them and the support
bundle keeps the report. Each check is a function of a :class:`Context` in the
module for what it looks at (``local``, ``remote``, ``devices``); ``runner``
runs them in order and turns the worst result into the exit code.
"""
