"""what a new agency sets up itself: client cadence, archived contacts, working days, days off

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cadence_days", sa.Integer(), nullable=True))
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("archived_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "working_days",
                sqlmodel.sql.sqltypes.AutoString(),
                nullable=False,
                server_default="12345",
            )
        )
    op.create_table(
        "dayoff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("first", sa.Date(), nullable=False),
        sa.Column("last", sa.Date(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("archived_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("dayoff", schema=None) as batch_op:
        batch_op.create_index("ix_dayoff_member_span", ["member_id", "first", "last"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dayoff", schema=None) as batch_op:
        batch_op.drop_index("ix_dayoff_member_span")
    op.drop_table("dayoff")
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_column("working_days")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_column("archived_at")
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.drop_column("cadence_days")
