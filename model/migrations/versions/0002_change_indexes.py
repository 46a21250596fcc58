"""indexes for span queries and change polling

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 21:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("timeentry", schema=None) as batch_op:
        batch_op.create_index("ix_timeentry_end", ["end"], unique=False)
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.create_index("ix_task_updated_at", ["updated_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_index("ix_task_updated_at")
    with op.batch_alter_table("timeentry", schema=None) as batch_op:
        batch_op.drop_index("ix_timeentry_end")
