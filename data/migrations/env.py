"""Alembic's entry point: runs migrations on the connection :mod:`data.schema` hands over.

There is no ``alembic.ini``: ``python main.py db upgrade|current|downgrade`` drives Alembic. A new
migration is a file in ``versions/`` (``script.py.mako`` is its shape); ``tests/data/test_schema.py``
fails until the models and the migrations agree, and prints what differs.
"""

from alembic import context
from sqlmodel import SQLModel

from data import models  # noqa: F401  (registers the tables in SQLModel.metadata)

connection = context.config.attributes.get("connection")
if connection is None:
    raise SystemExit("airdate: run migrations with `python main.py db upgrade`")
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    compare_type=True,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
)
with context.begin_transaction():
    context.run_migrations()
