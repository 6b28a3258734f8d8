"""Alembic environment: the project's one MetaData, on the connection `kpi.migrate` hands over under its lock."""

from alembic import context

import kpi.tables  # noqa: F401  (every stage's tables in the metadata)
from kpi.db import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
