"""The one SQLAlchemy MetaData that every stage's tables belong to."""

import sqlalchemy as sa

metadata = sa.MetaData()
