"""Imports every module that defines tables, so the shared MetaData is complete before the schema is made."""

from kpi.delivery import storage  # noqa: F401
from kpi.metrics import meetings, targets  # noqa: F401
from kpi.settings import (
    actions,  # noqa: F401
    audit,  # noqa: F401
    logins,  # noqa: F401
    reference,  # noqa: F401
    region,  # noqa: F401
    register,  # noqa: F401
    users,  # noqa: F401
)
from kpi.sources.duo import store  # noqa: F401
