"""Open data beside the deliveries (loads and DUO's exam counts per location), and the region definition
seeded with the default of the KPI contract.

Revision ID: 0007
Revises: 0006
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

REGION = [("gemeente", m) for m in ("HILVERSUM", "GOOISE MEREN", "HUIZEN", "LAREN", "BLARICUM", "WIJDEMEREN", "WEESP")]
REGION += [("vestiging", "24TG00"), ("vestiging", "24TG04")]  # Weesp: listed under AMSTERDAM by DUO since 2022

TEXT_COLUMNS = ("instelling", "vestiging", "naam", "gemeente", "onderwijstype", "opleiding", "sector", "niveau")


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "region_members" not in existing:
        members = op.create_table(
            "region_members",
            sa.Column("kind", sa.String(12), primary_key=True),
            sa.Column("code", sa.String(80), primary_key=True),
            sa.Column("added_by", sa.Text, nullable=False),
            sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        )
        now = dt.datetime.now(dt.UTC)
        op.bulk_insert(members, [{"kind": k, "code": c, "added_by": "standaard", "added_at": now} for k, c in REGION])
    if "open_data_loads" not in existing:
        op.create_table(
            "open_data_loads",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("dataset", sa.String(40), nullable=False),
            sa.Column("file_name", sa.Text, nullable=False),
            sa.Column("sha256", sa.String(64), nullable=False),
            sa.Column("content_sha256", sa.String(64), nullable=False),
            sa.Column("rows", sa.Integer, nullable=False),
            sa.Column("years", sa.JSON, nullable=False),
            sa.Column("loaded_by", sa.Text, nullable=False),
            sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        )
        op.create_index("ix_open_data_loads_sha256", "open_data_loads", ["sha256"])
    if "duo_exam_counts" not in existing:
        op.create_table(
            "duo_exam_counts",
            sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
            sa.Column("load_id", sa.Integer, sa.ForeignKey("open_data_loads.id"), nullable=False),
            sa.Column("current", sa.Boolean, nullable=False),
            *[sa.Column(name, sa.Text, nullable=False) for name in TEXT_COLUMNS],
            sa.Column("jaar", sa.Integer, nullable=False),
            sa.Column("kandidaten", sa.BigInteger, nullable=True),
            sa.Column("geslaagden", sa.BigInteger, nullable=True),
            sa.Column("kandidaten_onderdrukt", sa.Boolean, nullable=False),
            sa.Column("geslaagden_onderdrukt", sa.Boolean, nullable=False),
        )
        op.create_index("ix_duo_exam_counts_load_id", "duo_exam_counts", ["load_id"])
        op.create_index("ix_duo_exam_counts_current", "duo_exam_counts", ["current", "jaar"])
