"""PostgreSQL tells listeners of every change

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 01:20:00

Each table gets a statement-level trigger that sends a notification on the channel
`clientdeck_changes` when a transaction that changed it commits, so an app on the same
server shows others' changes at once instead of polling for them. SQLite has no such
channel: there the app keeps polling the change fingerprint.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "client",
    "member",
    "sprint",
    "standup",
    "budget",
    "clientplan",
    "contact",
    "dayoff",
    "hypothesis",
    "kpi",
    "retro",
    "satisfaction",
    "standupnote",
    "task",
    "upsellidea",
    "actionitem",
    "checklistitem",
    "interaction",
    "kpivalue",
    "retrocheck",
    "retronote",
    "taskcomment",
    "taskevent",
    "timeentry",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE FUNCTION clientdeck_notify() RETURNS trigger LANGUAGE plpgsql AS $$"
        " BEGIN PERFORM pg_notify('clientdeck_changes', TG_TABLE_NAME); RETURN NULL; END $$"
    )
    for table in TABLES:
        op.execute(
            "CREATE TRIGGER clientdeck_notify"
            f' AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}"'
            " FOR EACH STATEMENT EXECUTE FUNCTION clientdeck_notify()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f'DROP TRIGGER clientdeck_notify ON "{table}"')
    op.execute("DROP FUNCTION clientdeck_notify()")
