"""rollover: carried hours, deficits and budget alerts

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 10:00:00

Every existing client lets unused hours expire and writes overuse off, as
clientdeck counted before, and is alerted at 75, 90 and 100 % of its month.
The alert log starts empty: the first look after the upgrade says this month's
crossings once.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString()
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rollover", text, nullable=False, server_default="expire"))
        batch_op.add_column(sa.Column("carry_cap_hours", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("carry_months", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("overuse", text, nullable=False, server_default="writeoff"))
        batch_op.add_column(sa.Column("rollover_since", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("alert_thresholds", text, nullable=False, server_default="75,90,100")
        )
    op.create_table(
        "budgetalert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("kind", text, nullable=False),
        sa.Column("crossed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["client.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("client_id", "month", "kind"),
    )


def downgrade() -> None:
    op.drop_table("budgetalert")
    with op.batch_alter_table("client", schema=None) as batch_op:
        for column in (
            "alert_thresholds",
            "rollover_since",
            "overuse",
            "carry_months",
            "rollover",
            "carry_cap_hours",
        ):
            batch_op.drop_column(column)
