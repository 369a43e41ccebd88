"""Offline-first synchronisation between the terminal and HQ.

``sync.outbox`` is the terminal side of the transactional outbox: services call
:func:`sync.outbox.enqueue` inside their own transaction.
"""
