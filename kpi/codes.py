"""Codes every stage shares: statuses, roles and the small-number rule. A leaf: it imports nothing of kpi.

Codes are never shown as they are; their words live in `kpi/words.toml` (`status.<code>`, `masked.*`).
"""

from __future__ import annotations

from typing import Literal

Status = Literal["gehaald", "op_koers", "achter", "niet_gehaald", "onvoldoende_data"]
STATUSES: tuple[Status, ...] = ("gehaald", "op_koers", "achter", "niet_gehaald", "onvoldoende_data")
"""Every status a KPI result can have, best first (the overview counts them in this order)."""
NO_DATA: Status = "onvoldoende_data"

Role = Literal["viewer", "stuurgroep", "school", "analyst", "admin"]
ROLES: tuple[Role, ...] = ("viewer", "stuurgroep", "school", "analyst", "admin")
SEES_SMALL_NUMBERS: frozenset[str] = frozenset({"analyst", "admin"})
"""Roles that may see counts from 1 to 4; every other role sees them masked."""

SMALL = "<5"
"""A count from 1 to 4, masked; also how schools write such a count in a delivery."""
HIDDEN = "verborgen"
"""A share hidden because its numerator or denominator is below 5."""
SMALL_MAX = 4

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
"""Text starting with one of these a spreadsheet may run as a formula (OWASP's list, and the full-width forms):
warned about on delivery, defused on export (`kpi.views.safety.neutralised`)."""

SUPPRESSED_LOW, SUPPRESSED_POINT, SUPPRESSED_HIGH = 1, 2.5, 4
"""What a suppressed count (`<5`) stands for: at least 1, at most 4, 2.5 when one number is needed."""

OPEN_DATA_YEAR = "jaar"
"""The school-year column of open-data rows (its first calendar year: 2019 for 2019-2020)."""

SYSTEM_ACTOR = "systeem"
"""Who the audit log names for what the application did itself (seeding tables at the first start)."""
