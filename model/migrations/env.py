"""Alembic environment: runs on the connection the store hands over."""

from alembic import context
from sqlmodel import SQLModel

import model.tables  # noqa: F401  (registers every table on the metadata)

config = context.config
connection = config.attributes.get("connection")
target_metadata = SQLModel.metadata


def run() -> None:
    if connection is None:
        raise RuntimeError("the clientdeck store passes its own connection to migrations")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
