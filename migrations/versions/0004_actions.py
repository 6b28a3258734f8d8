"""The plan's action register (status per action), seeded on first use from data/acties.csv.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "actions" in sa.inspect(op.get_bind()).get_table_names():
        return  # made by the old create_all start-up
    op.create_table(
        "actions",
        sa.Column("id", sa.String(60), primary_key=True),
        sa.Column("action_line", sa.String(20), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("partners", sa.JSON, nullable=False),
        sa.Column("kpis", sa.JSON, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("due_year", sa.Integer, nullable=True),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
    )
