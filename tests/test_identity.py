"""One school, one identity: ASCII BRIN codes only, one level per institution, sheet and year, no empty escape."""

from __future__ import annotations

import pytest

from kpi.delivery.brin import covers, is_brin, lookalikes, normalised_brin
from kpi.delivery.history import restore_preview
from kpi.delivery.ingest import checked_file, stored_file
from kpi.delivery.storage import DeliveryMeta, LevelConflictError, current_facts, restore, retire, store
from tests.conftest import HEADER, workbook_bytes


def _file(*rows: list[object]) -> bytes:
    return workbook_bytes({"leerlingen": [HEADER, *rows]})


def _row(brin: str, year: int = 2014, program: str = "PIE", count: object = 100) -> list[object]:
    return [year, brin, "College De Brink", "VMBO-KB", 3, program, "instroom", count]


@pytest.mark.parametrize(
    ("cell", "code", "named"),
    [
        ("14SM05", None, None),
        ("14sm 05", None, None),
        ("14SM", None, None),
        ("14SM٠٥", "brin_lookalike", "U+0660 ARABIC-INDIC DIGIT ZERO) ≈ '0'"),
        ("１４ＳＭ０５", "brin_lookalike", "U+FF11 FULLWIDTH DIGIT ONE) ≈ '1'"),
        ("14СМ05", "brin_lookalike", "U+0421 CYRILLIC CAPITAL LETTER ES) ≈ 'C'"),
        ("14SM۰۵", "brin_lookalike", "EXTENDED ARABIC-INDIC DIGIT ZERO"),
        ("14SM5", "brin_format", None),
        ("14SM05X", "brin_format", None),
    ],
)
def test_a_brin_is_ascii_and_a_lookalike_is_named(cell, code, named):
    errors = checked_file(_file(_row(cell)), "x.xlsx").errors
    assert [p.code for p in errors if p.column == "brin"] == ([code] if code else [])
    if named:
        assert named in errors[0].message("nl") and named in errors[0].message("en")


@pytest.mark.parametrize(
    ("account", "code", "covered"),
    [
        ("14SM", "14SM05", True),
        ("14SM", "14SM", True),
        ("14SM05", "14SM05", True),
        ("14SM05", "14SM04", False),
        ("14SM05", "14SM", False),
        ("", "14SM05", False),
        (" ", "14SM05", False),
        ("14SM٠٥", "14SM05", False),
    ],
)
def test_what_an_account_code_covers(account, code, covered):
    assert covers(normalised_brin(account), code) is covered


def test_lookalikes_names_only_non_ascii():
    assert lookalikes("14SM05") == [] and is_brin("14SM05") and not is_brin("１４SM")


@pytest.mark.parametrize("account", ["", "  ", "14SM٠٥", "nonsense"])
def test_an_empty_or_malformed_account_code_never_lifts_the_restriction(account):
    checked = checked_file(_file(_row("14SM05"), _row("03FO01", program="BWI")), "x.xlsx", as_school=account)
    assert [(p.code, p.rows) for p in checked.errors] == [("brin_not_yours", (2,)), ("brin_not_yours", (3,))]


def test_both_levels_in_one_file_are_refused():
    checked = checked_file(_file(_row("14SM"), _row("14SM05"), _row("14SM", 2015, "BWI")), "x.xlsx")
    assert [(p.code, p.value, p.rows, p.params["locations"]) for p in checked.errors] == [
        ("brin_level_mixed", "14SM", (2,), "14SM05")  # 2015 holds the institution only: fine
    ]


def _vmbo_2014(engine) -> int:
    facts = current_facts(engine, "leerlingen")
    return int(facts.loc[facts["schooljaar"] == 2014, "aantal"].sum())


@pytest.mark.parametrize(("first", "second"), [("14SM", "14SM05"), ("14SM05", "14SM")])
def test_an_institution_delivers_at_one_level_per_sheet_and_year(any_engine, first, second):
    """14SM then 14SM05 (or the reverse) for the same year would count the pupils twice: 200 instead of 100."""
    held = stored_file(any_engine, checked_file(_file(_row(first)), "eerste.xlsx"), "bestuur")
    assert _vmbo_2014(any_engine) == 100
    checked = checked_file(_file(_row(second), _row(second, 2015)), "tweede.xlsx", engine=any_engine)
    assert [(p.code, p.value, p.params["years"], p.params["delivery"]) for p in checked.errors] == [
        ("brin_level_held", second, "2014", held.delivery_id)
    ]
    message = checked.errors[0].message("nl")
    assert f"levering {held.delivery_id} (eerste.xlsx" in message and "door bestuur" in message and first in message
    checked.problems = []  # even unchecked, storage refuses it in its own transaction
    with pytest.raises(LevelConflictError):
        stored_file(any_engine, checked, "school")
    assert _vmbo_2014(any_engine) == 100
    other_year = checked_file(_file(_row(second, 2016)), "ander_jaar.xlsx", engine=any_engine)
    assert other_year.ok  # another year is free to choose its level


def test_restore_that_would_mix_levels_is_refused(any_engine):
    """Earlier location rows stop counting; the board then delivers the institution; the old rows may not return."""
    early = checked_file(_file(_row("14SM05")), "vroeg.xlsx")
    old = store(any_engine, early.frames, DeliveryMeta("vroeg.xlsx", early.sha256, "brink", kind="proef"))
    retire(any_engine, "proef", "beheer")  # a retired set other than the demo may come back (the demo never does)
    whole = stored_file(any_engine, checked_file(_file(_row("14SM")), "instelling.xlsx", engine=any_engine), "bestuur")
    preview = restore_preview(any_engine, old.delivery_id)
    assert [(p.code, p.params["delivery"]) for p in preview.conflicts] == [("brin_level_held", whole.delivery_id)]
    with pytest.raises(LevelConflictError):
        restore(any_engine, old.delivery_id, "beheer")
    assert _vmbo_2014(any_engine) == 100
