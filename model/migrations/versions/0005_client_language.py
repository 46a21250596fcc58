"""a client's language for its documents; a stable source key on imported time entries

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 03:30:00

`client.language` is the language the client's reports are written in (empty: the app's
own). `timeentry.source_key` names the row of another tracker's export an entry came from,
so importing the same file again adds nothing; entries made here have none, and a unique
index allows any number of NULLs on both back ends. `timeentry.billable` keeps the billable
flag such a row had (NULL where it had none).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "language", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""
            )
        )
    with op.batch_alter_table("timeentry", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source_key", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
        batch_op.create_index("ix_timeentry_source_key", ["source_key"], unique=True)
        batch_op.add_column(sa.Column("billable", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("timeentry", schema=None) as batch_op:
        batch_op.drop_column("billable")
        batch_op.drop_index("ix_timeentry_source_key")
        batch_op.drop_column("source_key")
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.drop_column("language")
