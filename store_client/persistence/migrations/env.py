"""Alembic environment: always run in-process on a connection store-client hands over."""

from alembic import context

from store_client.persistence.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite ALTER TABLE goes through table copies
)
with context.begin_transaction():
    context.run_migrations()
