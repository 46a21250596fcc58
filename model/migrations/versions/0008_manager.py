"""manager: who of the team sees money and approves timesheets

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 09:00:00

A store upgraded from before has no one marked, and with no manager nobody
could approve a week or set a rate; the first active member (the one who set
the store up) becomes its manager, as a new store's first member does.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.add_column(sa.Column("manager", sa.Boolean(), nullable=False, server_default="0"))
    member = sa.table(
        "member",
        sa.column("id", sa.Integer()),
        sa.column("active", sa.Boolean()),
        sa.column("manager", sa.Boolean()),
    )
    first = sa.select(sa.func.min(member.c.id)).where(member.c.active).scalar_subquery()
    op.execute(sa.update(member).where(member.c.id == first).values(manager=True))


def downgrade() -> None:
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_column("manager")
