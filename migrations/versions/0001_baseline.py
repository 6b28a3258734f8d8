"""Baseline: the schema of the first round (deliveries and one fact table per sheet, a `current` flag per row).

Frozen here as it was, so that a database from that time can be upgraded step by step.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

FACT_COLUMNS = {
    "leerlingen": [
        ("schooljaar", sa.Integer),
        ("brin", lambda: sa.String(6)),
        ("school", sa.Text),
        ("onderwijssoort", lambda: sa.String(40)),
        ("leerjaar", sa.Integer),
        ("opleiding", sa.Text),
        ("crebo", lambda: sa.String(5)),
        ("route", lambda: sa.String(40)),
        ("indicator", lambda: sa.String(40)),
        ("naar_onderwijssoort", lambda: sa.String(40)),
        ("naar_opleiding", sa.Text),
        ("geslacht", lambda: sa.String(40)),
        ("aantal", sa.BigInteger),
    ],
    "organisaties": [
        ("jaar", sa.Integer),
        ("naam", sa.Text),
        ("soort", lambda: sa.String(40)),
        ("brin", lambda: sa.String(6)),
        ("kvk", lambda: sa.String(8)),
        ("wt_beleid", sa.Boolean),
        ("vrienden_van_techniek", sa.Boolean),
        ("activiteiten", sa.BigInteger),
        ("leerlingen_bereikt", sa.BigInteger),
    ],
    "werkenden": [
        ("jaar", sa.Integer),
        ("regeling", lambda: sa.String(40)),
        ("sector", sa.Text),
        ("van_niveau", sa.Text),
        ("naar_niveau", sa.Text),
        ("gestart", sa.BigInteger),
        ("geslaagd", sa.BigInteger),
    ],
    "arbeidsmarkt": [
        ("jaar", sa.Integer),
        ("sector", sa.Text),
        ("vervangingsvraag", sa.BigInteger),
        ("instroom_schoolverlaters", sa.BigInteger),
    ],
}
COUNTS = {
    "leerlingen": ["aantal"],
    "organisaties": ["activiteiten", "leerlingen_bereikt"],
    "werkenden": ["gestart", "geslaagd"],
    "arbeidsmarkt": ["vervangingsvraag", "instroom_schoolverlaters"],
}
SCOPE = {
    "leerlingen": ["brin", "schooljaar"],
    "organisaties": ["jaar"],
    "werkenden": ["jaar"],
    "arbeidsmarkt": ["jaar"],
}


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_by", sa.String(200), nullable=False),
        sa.Column("school", sa.String(200), nullable=False, server_default=""),
        sa.Column("file_name", sa.String(500), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("restored_from", sa.Integer, nullable=True),
        sa.Column("row_counts", sa.JSON, nullable=False),
    )
    op.create_index("ix_deliveries_sha256", "deliveries", ["sha256"])
    op.create_index("ix_deliveries_content_sha256", "deliveries", ["content_sha256"])
    for name, columns in FACT_COLUMNS.items():
        op.create_table(
            name,
            sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
            sa.Column("delivery_id", sa.Integer, sa.ForeignKey("deliveries.id"), nullable=False),
            sa.Column("current", sa.Boolean, nullable=False),
            *[sa.Column(column, kind(), nullable=True) for column, kind in columns],
            *[sa.Column(f"{count}_onderdrukt", sa.Boolean, nullable=False) for count in COUNTS[name]],
        )
        op.create_index(f"ix_{name}_delivery_id", name, ["delivery_id"])
        op.create_index(f"ix_{name}_scope", name, ["current", *SCOPE[name]])
