"""rates: a client's hourly rate, for all its time or for one role

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 12:30:00

A new table only: an upgraded store has no rates, so it shows no money until a
manager sets one, and every hour counted before counts the same.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("cents", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["client.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("client_id", "role"),
    )
    with op.batch_alter_table("rate", schema=None) as batch_op:
        batch_op.create_index("ix_rate_client_id", ["client_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("rate", schema=None) as batch_op:
        batch_op.drop_index("ix_rate_client_id")
    op.drop_table("rate")
