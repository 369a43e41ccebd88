"""Offline-first synchronisation between the terminal and HQ, split by role.

- :mod:`sync.protocol`: what both sides agree on (event payloads, datasets).
- :mod:`sync.terminal`: the terminal's engine; services call
  :func:`sync.terminal.outbox.enqueue` inside their own transaction.
- :mod:`sync.hq`: the reference HQ server.
"""
