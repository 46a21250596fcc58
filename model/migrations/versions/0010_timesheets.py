"""timesheets: a member's week submitted, approved or returned, and the unlocks of approved ones

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 12:00:00

Two new tables and no change to the others: every week of an upgraded store is open, so
nothing recorded before is locked.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "timesheet",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("starts_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("ends_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["by_id"], ["member.id"]),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("member_id", "week_start"),
    )
    op.create_index("ix_timesheet_lock", "timesheet", ["member_id", "state", "starts_at"])
    op.create_index("ix_timesheet_week", "timesheet", ["week_start"])
    op.create_table(
        "timesheetunlock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("timesheet_id", sa.Integer(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["by_id"], ["member.id"]),
        sa.ForeignKeyConstraint(["entry_id"], ["timeentry.id"]),
        sa.ForeignKeyConstraint(["timesheet_id"], ["timesheet.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_timesheetunlock_timesheet_id"), "timesheetunlock", ["timesheet_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_timesheetunlock_timesheet_id"), table_name="timesheetunlock")
    op.drop_table("timesheetunlock")
    op.drop_index("ix_timesheet_week", table_name="timesheet")
    op.drop_index("ix_timesheet_lock", table_name="timesheet")
    op.drop_table("timesheet")
