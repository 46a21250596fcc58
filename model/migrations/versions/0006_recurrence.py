"""the week's rhythm: recurrence rules and their occurrences, sprint templates

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 03:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("recurrence", "occurrence", "sprinttemplate", "templatetask")


def upgrade() -> None:
    op.create_table(
        "recurrence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("every_weeks", sa.Integer(), nullable=False),
        sa.Column("month_day", sa.Integer(), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("task_id"),
    )
    op.create_table(
        "occurrence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recurrence_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["recurrence_id"], ["recurrence.id"]),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("recurrence_id", "period"),
    )
    with op.batch_alter_table("occurrence", schema=None) as batch_op:
        batch_op.create_index("ix_occurrence_recurrence_id", ["recurrence_id"], unique=False)
        batch_op.create_index("ix_occurrence_task_id", ["task_id"], unique=False)
    op.create_table(
        "sprinttemplate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["client.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("client_id", "name"),
    )
    with op.batch_alter_table("sprinttemplate", schema=None) as batch_op:
        batch_op.create_index("ix_sprinttemplate_client_id", ["client_id"], unique=False)
    op.create_table(
        "templatetask",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("priority", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("estimate_hours", sa.Float(), nullable=True),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("labels", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("checklist", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["assignee_id"], ["member.id"]),
        sa.ForeignKeyConstraint(["template_id"], ["sprinttemplate.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("templatetask", schema=None) as batch_op:
        batch_op.create_index("ix_templatetask_template_id", ["template_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":  # as migration 0004 does for every table
        for table in TABLES:
            op.execute(
                "CREATE TRIGGER clientdeck_notify"
                f' AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}"'
                " FOR EACH STATEMENT EXECUTE FUNCTION clientdeck_notify()"
            )


def downgrade() -> None:
    with op.batch_alter_table("templatetask", schema=None) as batch_op:
        batch_op.drop_index("ix_templatetask_template_id")
    op.drop_table("templatetask")
    with op.batch_alter_table("sprinttemplate", schema=None) as batch_op:
        batch_op.drop_index("ix_sprinttemplate_client_id")
    op.drop_table("sprinttemplate")
    with op.batch_alter_table("occurrence", schema=None) as batch_op:
        batch_op.drop_index("ix_occurrence_task_id")
        batch_op.drop_index("ix_occurrence_recurrence_id")
    op.drop_table("occurrence")
    op.drop_table("recurrence")
