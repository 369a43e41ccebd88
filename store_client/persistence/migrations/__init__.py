"""Alembic migration scripts of the terminal database (versions/)."""

#: The newest revision. Kept by hand so that start-up need not import Alembic to learn
#: that nothing is to be done; tests/integration/test_migrations.py checks it against
#: the scripts, so a new migration that forgets to update it fails the tests.
HEAD = "0027"
