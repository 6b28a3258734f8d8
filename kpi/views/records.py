"""Records people look back on, in words: the delivery history, the audit log, meetings and what changed since one.

Shared by the dashboard and the command line, so both say the same thing with the same headers.
"""

from __future__ import annotations

import pandas as pd

from kpi.catalogue import catalogue, word
from kpi.codes import SYSTEM_ACTOR
from kpi.metrics.meetings import MeetingChanges
from kpi.metrics.registry import REGISTRY
from kpi.views.formatting import day, moment, number, plain_value, school_year, status_word

HISTORY_COLUMNS = ("id", "tijd", "school", "status", "bestand", "rijen", "door", "soort", "hersteld_van")


def history_table(history: pd.DataFrame, language: str = "nl") -> pd.DataFrame:
    """The visible history (`visible_history`) with headers, status, kind and region in words; times stay times."""
    shown = history.assign(
        school=history["school"].replace("", word("deliver.region", language)),  # regional sheets: no school
        status=history["status"].map(lambda s: word(f"deliver.status.{s}", language)),
        soort=history["soort"].map(lambda k: word(f"deliver.kind.{k}", language)),
    )[list(HISTORY_COLUMNS)]
    return shown.rename(columns={c: word(f"deliver.history_head.{c}", language) for c in HISTORY_COLUMNS})


def rows_change_table(rows: pd.DataFrame, after: str, language: str = "nl") -> pd.DataFrame:
    """Rows per sheet and school year that count now and after storing (or restoring), headed in words."""
    heads = {"blad": "problem_head.sheet", "jaar": "year", "nu": "rows_now", "na": after}
    shown = rows.assign(jaar=rows["jaar"].map(school_year))  # 2018-2019, as everywhere else
    return shown.rename(columns={column: word(key, language) for column, key in heads.items()})


def action_words(code: str, language: str = "nl") -> str:
    """An audit action code in words where the catalogue has them (`audit_action.<code>`), else the code itself."""
    key = f"audit_action.{code}"
    return f"{word(key, language)} ({code})" if key in catalogue() else code


def actor_words(actor: str, language: str = "nl") -> str:
    """Who acted: an account or file name as stored; the application itself in the reader's language."""
    return word("audit.system", language) if actor == SYSTEM_ACTOR else actor


def audit_table(entries: list[dict], language: str = "nl") -> pd.DataFrame:
    """Audit entries, newest first: local time to the minute, who, what in words, old and new value readable."""
    return pd.DataFrame(
        {
            word("audit.at", language): [moment(e["at"]) for e in entries],
            word("audit.actor", language): [actor_words(e["actor"], language) for e in entries],
            word("audit.action", language): [action_words(e["action"], language) for e in entries],
            word("audit.subject", language): [e["subject"] for e in entries],
            word("audit.old", language): [plain_value(e["old_value"], language) for e in entries],
            word("audit.new", language): [plain_value(e["new_value"], language) for e in entries],
        }
    )


def meeting_label(meeting: dict, language: str = "nl") -> str:
    """`Stuurgroep november (28-11-2026)`."""
    return word("vergadering.label", language, name=meeting["name"], date=day(meeting["held_on"]))


def meetings_table(meetings: pd.DataFrame, language: str = "nl") -> pd.DataFrame:
    """Marked meetings (`meeting_list`) with headers in words, dates as people write them."""
    return pd.DataFrame(
        {
            "id": meetings["id"],
            word("vergadering.name", language): meetings["name"],
            word("vergadering.date", language): meetings["held_on"].map(day),
            word("cli.head.marked_by", language): meetings["created_by"],
            word("cli.head.marked_at", language): meetings["created_at"].map(moment),
        }
    )


def _pair(before: object, after: object, shown) -> str:
    return f"{shown(before)} → {shown(after)}"


def _cause_name(cause: str, language: str) -> str:
    source, ident = cause.split(":")
    key = "vergadering.delivery" if source == "levering" else "vergadering.setting"
    return word(key, language, id=ident)


def _cause_what(row: dict, language: str) -> str:
    action = row["action"]
    if row["source"] == "delivery":
        key = "cause.delivery.retired" if action.endswith("_retired") else f"cause.delivery.{action}"
        old = "" if pd.isna(row["old"]) else int(row["old"])
        return word(key, language, old=old) if key in catalogue() else action
    return word(f"cause.{action}", language) if f"cause.{action}" in catalogue() else action


def since_changes(found: MeetingChanges, language: str = "nl") -> pd.DataFrame:
    """The KPI results changed since a meeting, in words and formatted numbers: before → after."""
    rows = []
    for c in found.kpis.to_dict("records"):
        label = REGISTRY[c["id"]].label(language) if c["id"] in REGISTRY else str(c["id"])

        def value(x, unit=c["unit"]):
            return number(x, unit, language)

        def status(x):
            return status_word(x, language) if isinstance(x, str) else "-"

        rows.append(
            {
                "KPI": label,
                word("year", language): school_year(c["year"]),
                word("vergadering.changed", language): ", ".join(
                    word(f"vergadering.what.{code}", language) for code in c["changed"]
                ),
                word("value", language): _pair(c["value_before"], c["value_after"], value),
                word("vergadering.status", language): _pair(c["status_before"], c["status_after"], status),
                word("target", language): _pair(c["target_before"], c["target_after"], value),
                word("vergadering.caused_by", language): ", ".join(_cause_name(x, language) for x in c["causes"])
                or "-",
            }
        )
    return pd.DataFrame(rows)


def since_causes(found: MeetingChanges, language: str = "nl") -> pd.DataFrame:
    """Deliveries, restores and settings changes since the meeting, oldest first, local time to the minute."""
    return pd.DataFrame(
        {
            "#": [_cause_name(c, language) for c in found.causes["cause"]],
            word("vergadering.when", language): [moment(at) for at in found.causes["at"]],
            word("vergadering.who", language): found.causes["actor"],
            word("vergadering.what_col", language): [_cause_what(r, language) for r in found.causes.to_dict("records")],
            word("vergadering.subject", language): found.causes["subject"],
        }
    )


def unknown_programs_table(unknown: pd.DataFrame, language: str = "nl") -> pd.DataFrame:
    """Programs the reference table does not classify, with headers in words."""
    return unknown.rename(columns={c: word(f"unknown_head.{c}", language) for c in unknown.columns})
