"""The reference HQ server: the documented sync API (docs/sync-protocol.md) on SQLAlchemy.

SQLite by default (demo, tests), PostgreSQL supported. A retailer's own HQ
implements the same protocol; this one exists so that the terminal can be run
and tested end to end.
"""
