"""Upgrading a counter PC safely: a signed package, applied after the Z report with an empty
outbox, the database backed up, migrated and self-tested by the new version, and rolled
back (previous version and database) if anything fails.

``package``: building and verifying a package (Ed25519, the release key pinned in
``resources/upgrade/release-key.pub``). ``install``: the versions on the PC and applying a
package. ``selftest``: what the new version runs before it is switched on.
"""
