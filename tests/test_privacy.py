"""Small numbers never reach a role that may not see them, through any view; analysts and admins see them all.

The property test sweeps every view function (results, their JSON/CSV/table, the breakdown, the pivot for every
dimension, the flows, the meeting pack) for every role over random facts full of counts from 1 to 4, and checks
each number shown against the unprotected truth: nothing visible is, or is derived from, a small count.
"""

from __future__ import annotations

import io
import json
import math

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi.metrics.compute import kpi_series, kpi_values, protected_breakdown, protected_results
from kpi.metrics.facts import REGION, Filters
from kpi.metrics.privacy import HIDDEN, SMALL, masked_results, protected_table
from kpi.metrics.registry import KPIS, REGISTRY
from kpi.metrics.targets import RULES, Target
from kpi.views.explorer import DIMENSIONS, Selection, protected_pivot
from kpi.views.flows import protected_flows
from kpi.views.pack import meeting_pack_xlsx, pack_table
from kpi.views.report import results_csv, results_json, results_table
from tests.test_kpis import TARGETS, facts_of, leerling, work

PROTECTED = ("viewer", "stuurgroep", "school")
SEES_ALL = ("analyst", "admin")
YEARS = (2014, 2015, 2016)
NOT_COUNTS = {"year", "baseline_year", "target_year", "unclassified", "exact"}


def small(x: object) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x)) and 0 < float(x) < 5


def shown(x: object) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x)) and x is not pd.NA


# -- random facts: two schools, three years, counts mostly 1 to 4 -----------------------------------------------

COUNT = st.one_of(st.integers(1, 4), st.integers(1, 4), st.integers(0, 12), st.just("<5"))
SHAPES = [  # (indicator, level, grade, program, route, to_level)
    ("instroom", "VMBO-KB", 3, "PIE", None, None),
    ("instroom", "VMBO-KB", 3, "D&P", None, None),
    ("instroom", "VMBO-BB", 3, "BWI", None, None),
    ("instroom", "MBO-2", None, "PIE", "Vakmanschapsroute", None),
    ("instroom", "MBO-4", None, "Commercie", None, None),
    ("ingeschreven", "MBO-2", None, "PIE", "Vakmanschapsroute", None),
    ("uitval", "MBO-2", None, "PIE", "Vakmanschapsroute", None),
    ("gediplomeerd", "MBO-4", None, "ICT-beheer", None, None),
    ("doorstroom", "MBO-4", None, "ICT-beheer", None, "HBO-BA"),
    ("doorstroom", "VMBO-TL", 4, "Algemeen", None, "MBO-4"),
]


@st.composite
def random_facts(draw):
    rows = []
    for year in YEARS:
        for brin in ("14SM05", "03FO01"):
            for indicator, level, grade, program, route, to_level in SHAPES:
                if draw(st.booleans()):
                    row = leerling(year, indicator, draw(COUNT), level, program, brin, grade, route, to_level,
                                   "ICT-beheer" if to_level == "MBO-4" else None)  # fmt: skip
                    row["geslacht"] = draw(st.sampled_from(["M", "V"]))
                    rows.append(row)
    workers = [work(year, "omscholing werkzoekenden", draw(st.integers(1, 4))) for year in YEARS]
    return facts_of(leerlingen=rows or [leerling(2014, "instroom", 3)], werkenden=workers)


@st.composite
def random_targets(draw):
    targets = {}
    for kpi in KPIS:
        rule = draw(st.sampled_from(RULES))
        amount = {"growth": 0.1, "at_least": 0.5 if kpi.unit == "share" else 10.0, "at_most": 0.5 if kpi.unit == "share" else 10.0}.get(rule)  # fmt: skip
        targets[kpi.id] = [Target(kpi.id, draw(st.sampled_from((2014, 2015))), 2016, rule, amount)]
    return targets


# -- what a protected view may show -----------------------------------------------------------------------------


def safe(unit: str, truth: dict | None) -> bool:
    """Whether an unprotected series row may be seen by everyone: no count below 5, no share on fewer than 5."""
    if truth is None:
        return True
    if unit == "share":
        return truth["numerator"] >= 5 and truth["denominator"] >= 5
    return not any(small(truth[c]) for c in ("value", "low", "high"))


def truth_of(facts, kpi, filters=REGION, by=()):
    series = kpi_series(facts, kpi, filters, by=list(by))
    return {key: row for key, row in zip(series.index, series.to_dict("records"), strict=True)}


def check_results(results: pd.DataFrame, facts, targets, filters) -> None:
    for row in results.to_dict("records"):
        kpi = REGISTRY[row["id"]]
        truth = truth_of(facts, kpi, filters) if kpi.per_school or filters.is_region else {}
        if kpi.unit == "count":
            for column, value in row.items():
                if column in NOT_COUNTS or not isinstance(value, (int, float)) or isinstance(value, bool):
                    continue
                if column == "target_value" and row["rule"] in ("at_least", "at_most"):
                    continue
                assert not small(value), (row["id"], row["year"], column, value)
        if shown(row["value"]):
            assert safe(kpi.unit, truth.get(row["year"])), ("value", row)
        derived = row["rule"] in ("growth", "increase", "decrease")
        if shown(row["baseline_value"]) or (derived and shown(row["target_value"])):
            assert safe(kpi.unit, truth.get(row["baseline_year"])), ("baseline", row)
        if row["masked"] is not None:
            assert row["masked"] in (SMALL, HIDDEN)
            assert not any(shown(row[c]) for c in ("value", "low", "high", "numerator", "denominator"))


def check_json(text: str) -> None:
    for element in json.loads(text):
        if element["unit"] == "count":
            for key, value in element.items():
                if key in NOT_COUNTS or isinstance(value, bool) or not isinstance(value, (int, float)):
                    continue
                if key == "target_value" and element["rule"] in ("at_least", "at_most"):
                    continue
                assert not small(value), (element["id"], key, value)


def check_pack(results: pd.DataFrame, everything: pd.DataFrame) -> None:
    book = openpyxl.load_workbook(io.BytesIO(meeting_pack_xlsx(results, everything)))
    sheet = book["reeksen"]
    header = [c.value for c in sheet[1]]
    for line in sheet.iter_rows(min_row=2, values_only=True):
        row = dict(zip(header, line, strict=True))
        if REGISTRY[row["id"]].unit == "count":
            for column in ("value", "low", "high"):
                assert not small(row[column]), row
            if REGISTRY[row["id"]].id and row["target_value"] is not None and small(row["target_value"]):
                assert row["status"] is not None  # a small target is only ever a set one (at_least/at_most)
    assert len(pack_table(results))


def check_table(frame: pd.DataFrame, keep=("schooljaar",)) -> None:
    for column in frame.columns:
        if column in keep:
            continue
        for value in frame[column]:
            assert not (isinstance(value, (int, float)) and small(value)), (column, value)
            assert not isinstance(value, str) or value == SMALL, (column, value)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(facts=random_facts(), targets=random_targets(), school=st.sampled_from([(), ("14SM05",), ("03FO01",)]),
       year=st.sampled_from([None, *YEARS]), role=st.sampled_from([*PROTECTED, *SEES_ALL]))  # fmt: skip
def test_no_view_shows_a_small_number_to_a_role_that_may_not_see_it(facts, targets, school, year, role):
    filters = Filters(schools=school)
    results = protected_results(facts, targets, role, filters, year)
    if role in SEES_ALL:  # analysts and admins see exactly the unprotected results
        truth = kpi_values(facts, targets, filters, year)
        pd.testing.assert_frame_equal(results.drop(columns="masked"), truth.drop(columns="masked"))
        return
    check_results(results, facts, targets, filters)
    check_json(results_json(results))
    assert "<5" not in results_csv(results).decode("utf-8-sig").replace("(<5)", "")
    results_table(results)
    check_pack(results, protected_results(facts, targets, role, filters))
    for kpi in (k for k in KPIS if k.per_school):
        breakdown = protected_breakdown(facts, kpi, targets, year or YEARS[-1], role, filters)
        rows = truth_of(facts, kpi, filters, by=["brin"])
        base_year = targets[kpi.id][0].baseline_year
        for line in breakdown.to_dict("records"):
            if shown(line["value"]):
                assert safe(kpi.unit, rows.get((line["brin"], year or YEARS[-1]))), line
            if shown(line["baseline_value"]):
                assert safe(kpi.unit, rows.get((line["brin"], base_year))), line
            if shown(line["change"]):
                assert shown(line["value"]) and shown(line["baseline_value"])
            if kpi.unit == "count":
                assert not any(small(line[c]) for c in ("value", "low", "high", "numerator", "baseline_value"))
    for by in (None, *DIMENSIONS):
        check_table(protected_pivot(facts, Selection(filters), by, role).reset_index())
    assert (protected_flows(facts, year or YEARS[-1], role, filters)["aantal"] >= 5).all()


# -- the cases of the issue, one by one ---------------------------------------------------------------------------


def small_school():
    """One school whose counts are 1 to 4: a baseline of 3 in 2014, 4 of 12 dropouts, a 1-of-3 share."""
    return facts_of(
        leerlingen=[
            leerling(2014, "instroom", 3, route="Vakmanschapsroute", level="MBO-2", program="PIE"),
            leerling(2015, "instroom", 9, route="Vakmanschapsroute", level="MBO-2", program="PIE"),
            leerling(2014, "ingeschreven", 4, route="Vakmanschapsroute", level="MBO-2"),
            leerling(2014, "uitval", 1, route="Vakmanschapsroute", level="MBO-2"),
            leerling(2015, "ingeschreven", 30, route="Vakmanschapsroute", level="MBO-2"),
            leerling(2015, "uitval", 6, route="Vakmanschapsroute", level="MBO-2"),
            leerling(2015, "instroom", 1, level="VMBO-KB", program="PIE"),
            leerling(2015, "instroom", 2, level="VMBO-KB", program="D&P"),
        ]
    )


def test_target_value_does_not_give_a_small_baseline_away():
    facts = small_school()
    kpis = [REGISTRY["vakmanschapsroute_instroom"], REGISTRY["vakmanschapsroute_uitval"]]  # increase, decrease
    admin = kpi_values(facts, TARGETS, year=2015, kpis=kpis).set_index("id")
    viewer = protected_results(facts, TARGETS, "viewer", year=2015, kpis=kpis).set_index("id")
    assert admin.loc["vakmanschapsroute_instroom", "target_value"] == 3  # the baseline of 3, as the rule says
    assert admin.loc["vakmanschapsroute_uitval", "baseline_value"] == 0.25  # 1 of 4, filtered to one year
    for kpi_id in viewer.index:
        assert pd.isna(viewer.loc[kpi_id, "target_value"]) and pd.isna(viewer.loc[kpi_id, "baseline_value"])
    assert viewer.loc["vakmanschapsroute_instroom", "value"] == 9  # the year itself is shown
    # 9 is more than any baseline from 1 to 4 could be: a verdict that gives nothing away
    assert viewer.loc["vakmanschapsroute_instroom", "status"] == "gehaald"
    # a share of 20% against a hidden baseline (any share at all): no verdict
    uitval = viewer.loc["vakmanschapsroute_uitval"]
    assert (uitval["status"], uitval["reason"]) == ("onvoldoende_data", "baseline_small")


def test_a_masked_status_is_given_only_when_every_possible_value_agrees():
    facts = facts_of(
        leerlingen=[leerling(2014, "instroom", 20, level="MBO-2"), leerling(2015, "instroom", 3, level="MBO-2")]
    )
    viewer = protected_results(facts, TARGETS, "viewer", year=2015, kpis=[REGISTRY["mbo_techniek_instroom"]]).iloc[0]
    assert (viewer["masked"], viewer["status"]) == (SMALL, "achter")  # behind 20 whatever count from 1 to 4 it is


def test_breakdown_hides_a_share_on_three_and_the_change_from_it():
    facts = small_school()
    kpi = REGISTRY["vmbo_keuze_techniek_aandeel"]
    admin = protected_breakdown(facts, kpi, TARGETS, 2015, "admin").iloc[0]
    viewer = protected_breakdown(facts, kpi, TARGETS, 2015, "viewer").iloc[0]
    assert admin["value"] == pytest.approx(1 / 3)
    assert (viewer["masked"], pd.isna(viewer["value"]), pd.isna(viewer["change"])) == (HIDDEN, True, True)


@pytest.mark.parametrize("by", ["opleiding", "geslacht", "brin"])
def test_explorer_pivot_shows_small_counts_as_small_for_viewers_only(by):
    facts = small_school()
    admin = protected_pivot(facts, Selection(indicators=("instroom",)), by, "admin")
    viewer = protected_pivot(facts, Selection(indicators=("instroom",)), by, "viewer")
    assert ((admin > 0) & (admin < 5)).any().any()
    check_table(viewer.reset_index())
    assert (viewer == SMALL).any().any()


def test_masked_results_blanks_an_unknown_small_column_too():
    frame = pd.DataFrame([{"id": "x", "unit": "count", "value": 12.0, "rule": None, "nl_value": 3.0},
                          {"id": "y", "unit": "share", "value": 0.5, "rule": None}])  # fmt: skip
    protected = masked_results(frame, "viewer")
    assert pd.isna(protected.loc[0, "nl_value"]) and protected.loc[0, "value"] == 12
    assert protected.loc[1, "masked"] == HIDDEN  # a share without its parts cannot be checked: hidden


def test_protected_table_protects_every_numeric_column_unless_told():
    frame = pd.DataFrame({"jaar": [2015], "a": [3], "b": [7], "num": [2], "den": [9], "share": [2 / 9]})
    protected = protected_table(frame, "viewer", shares={"share": ("num", "den")})
    assert protected.iloc[0].tolist() == [2015, SMALL, 7, SMALL, 9, HIDDEN]
    assert protected_table(frame, "analyst", shares={"share": ("num", "den")}).equals(frame)


def test_a_program_named_like_a_year_column_is_protected_too():
    facts = facts_of(leerlingen=[leerling(2015, "instroom", 3, program=name) for name in ("jaar", "year", "exact")])
    viewer = protected_pivot(facts, Selection(), "opleiding", "viewer")
    assert (viewer == SMALL).all().all()
