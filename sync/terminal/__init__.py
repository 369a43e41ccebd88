"""The terminal's sync engine: the outbox services write to, the uploader and puller that
talk to HQ, the background runner, credentials and the HTTP transport."""

import sys

# httpx's __init__ imports its command-line client, and with it click, rich and pygments
# whenever they are installed (encode/httpx#3547): ~10 MB of every till's memory for a tool
# the till never runs. With the module marked absent, httpx's ``main`` is the one that only
# says how to install the command-line client.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]  # None: "not importable"
