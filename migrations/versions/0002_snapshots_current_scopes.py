"""Per-delivery Arrow snapshots and `current_scopes` (which delivery counts where), filled from the old rows.

Also adopts databases that the old `create_all` start-up already gave these tables: what exists is kept,
and only deliveries without a snapshot get one, so every row that counted before counts after.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SCOPE_SCHOOL = {"leerlingen": "brin", "organisaties": None, "werkenden": None, "arbeidsmarkt": None}
SCOPE_YEAR = {"leerlingen": "schooljaar", "organisaties": "jaar", "werkenden": "jaar", "arbeidsmarkt": "jaar"}


def upgrade() -> None:
    conn = op.get_bind()
    existing = set(sa.inspect(conn).get_table_names())
    if conn.dialect.name != "sqlite":  # SQLite never enforced the lengths
        for column in ("submitted_by", "school", "file_name"):
            op.alter_column("deliveries", column, type_=sa.Text, existing_nullable=False)
    if "delivery_snapshots" not in existing:
        op.create_table(
            "delivery_snapshots",
            sa.Column("delivery_id", sa.Integer, sa.ForeignKey("deliveries.id"), primary_key=True),
            sa.Column("sheet", sa.String(40), primary_key=True),
            sa.Column("arrow", sa.LargeBinary, nullable=False),
        )
    if "current_scopes" not in existing:
        op.create_table(
            "current_scopes",
            sa.Column("sheet", sa.String(40), primary_key=True),
            sa.Column("school", sa.String(6), primary_key=True),
            sa.Column("year", sa.Integer, primary_key=True),
            sa.Column("delivery_id", sa.Integer, sa.ForeignKey("deliveries.id"), nullable=False),
        )
        op.create_index("ix_current_scopes_delivery_id", "current_scopes", ["delivery_id"])
    _fill_snapshots(conn)
    if conn.execute(sa.text("SELECT count(*) FROM current_scopes")).scalar_one() == 0:
        _fill_current_scopes(conn)


def _fill_snapshots(conn: sa.Connection) -> None:
    """A snapshot for every delivery and sheet that has rows but none yet, in the format the code reads."""
    from kpi.delivery import storage  # the snapshot format lives there; a later format change brings its own revision
    from kpi.delivery.schema import SHEETS

    snapshots = sa.table("delivery_snapshots", sa.column("delivery_id"), sa.column("sheet"), sa.column("arrow"))
    for name, sheet in SHEETS.items():
        facts = storage.FACT_TABLES[name]  # typed columns, so SQLite's 0/1 come back as booleans
        have = sa.select(snapshots.c.delivery_id).where(snapshots.c.sheet == name)
        missing = sa.select(facts.c.delivery_id).distinct().where(facts.c.delivery_id.not_in(have))
        for delivery_id in conn.execute(missing).scalars().all():
            query = sa.select(*[facts.c[c] for c in sheet.stored_columns]).where(facts.c.delivery_id == delivery_id)
            rows = conn.execute(query.order_by(facts.c.id)).all()
            values = {c: [row[i] for row in rows] for i, c in enumerate(sheet.stored_columns)}
            blob = storage._snapshot_bytes(values, sheet)
            conn.execute(snapshots.insert().values(delivery_id=delivery_id, sheet=name, arrow=blob))


def _fill_current_scopes(conn: sa.Connection) -> None:
    """Which delivery counts for each sheet, school and year, from the rows flagged current."""
    scopes = sa.table("current_scopes", *map(sa.column, ("sheet", "school", "year", "delivery_id")))
    for name, year_name in SCOPE_YEAR.items():
        school_name = SCOPE_SCHOOL[name]
        names = ["delivery_id", "current", year_name] + ([school_name] if school_name else [])
        facts = sa.table(name, *map(sa.column, names))
        school = facts.c[school_name] if school_name else sa.literal("")
        year = facts.c[year_name]
        query = sa.select(school, year, sa.func.max(facts.c.delivery_id)).where(facts.c.current == sa.true())
        rows = [
            {"sheet": name, "school": s or "", "year": y, "delivery_id": d}
            for s, y, d in conn.execute(query.group_by(school, year)).all()
        ]
        if rows:
            conn.execute(scopes.insert(), rows)
