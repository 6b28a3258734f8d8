"""Settings that were files (targets with fixed baselines, the techniek/ICT table) and meeting snapshots.

Both settings tables are seeded on first use from data/targets.csv and data/techniek_referentie.csv.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())  # made by the old create_all start-up
    if "target_settings" not in existing:
        op.create_table(
            "target_settings",
            sa.Column("kpi", sa.String(60), primary_key=True),
            sa.Column("target_year", sa.Integer, primary_key=True),
            sa.Column("baseline_year", sa.Integer, nullable=False),
            sa.Column("rule", sa.String(20), nullable=False),
            sa.Column("amount", sa.Float, nullable=True),
            sa.Column("source", sa.Text, nullable=False, server_default=""),
            sa.Column("fixed_baseline", sa.Float, nullable=True),
            sa.Column("fixed_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("fixed_by", sa.Text, nullable=True),
        )
    if "techniek_reference" not in existing:
        op.create_table(
            "techniek_reference",
            sa.Column("key", sa.String(200), primary_key=True),
            sa.Column("naam", sa.Text, nullable=False),
            sa.Column("soort", sa.Text, nullable=False, server_default=""),
            sa.Column("techniek", sa.Boolean, nullable=False),
            sa.Column("toelichting", sa.Text, nullable=False, server_default=""),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("updated_by", sa.Text, nullable=True),
        )
    if "meetings" not in existing:
        op.create_table(
            "meetings",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("name", sa.Text, nullable=False),
            sa.Column("held_on", sa.Date, nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("created_by", sa.Text, nullable=False),
            sa.Column("last_delivery_id", sa.Integer, nullable=False),
            sa.Column("last_audit_id", sa.Integer, nullable=False),
            sa.Column("snapshot", sa.JSON, nullable=False),
        )
