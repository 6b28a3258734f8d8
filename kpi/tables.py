"""Imports every module that defines tables, so the shared MetaData is complete before the schema is made."""

from kpi.delivery import storage  # noqa: F401
from kpi.settings import audit, region  # noqa: F401
from kpi.sources.duo import store  # noqa: F401
