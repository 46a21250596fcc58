"""retainers: billable time and rounding

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 03:40:00

Every existing client bills its time and rounds nothing, as clientdeck counted
before; tasks say nothing of their own (NULL). Entries have had their own flag
since 0005 (what an imported tracker said), which billing reads the same way.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.add_column(sa.Column("billable", sa.Boolean(), nullable=False, server_default="1"))
        batch_op.add_column(
            sa.Column("rounding_minutes", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column(
                "rounding_scope",
                sqlmodel.sql.sqltypes.AutoString(),
                nullable=False,
                server_default="entry",
            )
        )
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.add_column(sa.Column("billable", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_column("billable")
    with op.batch_alter_table("client", schema=None) as batch_op:
        for column in ("rounding_scope", "rounding_minutes", "billable"):
            batch_op.drop_column(column)
