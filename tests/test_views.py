"""The view layer on tiny frames: formatting and words, the small-number rule, charts, flows, explorer, pack, catalogue."""

from __future__ import annotations

import io
import math
import re
import string

import openpyxl
import pandas as pd
import pytest

from kpi.catalogue import LANGUAGES, catalogue, word
from kpi.codes import HIDDEN, SMALL, STATUSES
from kpi.delivery.messages import Problem
from kpi.metrics.compute import kpi_history, kpi_values, measured_kpis, protected_results, status_counts
from kpi.metrics.facts import Filters
from kpi.metrics.privacy import masked_results, protected_table
from kpi.metrics.registry import ACTION_LINES, KPIS, REGISTRY
from kpi.metrics.targets import RULES, Target
from kpi.views.charts import STATUS_COLOURS, explorer_chart, kpi_chart, projection_drawn, sankey
from kpi.views.explorer import (
    OTHER,
    Selection,
    explorer_options,
    explorer_pivot,
    explorer_rows,
    pivot_shown,
    school_names,
)
from kpi.views.flows import PLAN_FLOWS, doorstroom_matrix, flows_shown
from kpi.views.formatting import (
    cell,
    kpi_value,
    number,
    reason_text,
    rule_text,
    school_year,
    status_word,
    target_number,
)
from kpi.views.meeting import kpi_pages, pack_of_results
from kpi.views.pack import meeting_pack_xlsx, overview_frame
from kpi.views.records import actor_words, rows_change_table
from kpi.views.wording import chosen_schools, judged_results
from tests.test_kpis import facts_of, leerling

# -- formatting ---------------------------------------------------------------------------------

NUMBERS = [  # value, unit, language, decimals, shown
    (1234, "count", "nl", None, "1.234"),
    (1234, "count", "en", None, "1,234"),
    (12.5, "count", "nl", None, "≈ 13"),  # an estimate (2.5 per suppressed cell): no half pupils
    (409.5, "count", "en", None, "≈ 410"),
    (1234.5, "count", "nl", 1, "1.234,5"),
    (-2.5, "count", "nl", None, "≈ -3"),  # a fall of an estimated count: half away from zero
    (230 * 1.1, "count", "nl", None, "253"),  # float noise is no fraction
    (math.inf, "count", "nl", None, "-"),
    (pd.NA, "count", "nl", None, "-"),
    (0.8, "share", "nl", None, "80,0%"),
    (0.8, "share", "en", None, "80.0%"),
    (0.1, "share", "nl", 0, "10%"),
    (None, "count", "nl", None, "-"),
    (math.nan, "share", "en", None, "-"),
]


@pytest.mark.parametrize(("value", "unit", "language", "decimals", "shown"), NUMBERS)
def test_number(value, unit, language, decimals, shown):
    assert number(value, unit, language, decimals) == shown


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [(254.1, "count", "254,1"), (253.00000000000003, "count", "253"), (0.306, "share", "30,6%"), (None, "count", "-")],
)
def test_a_target_is_a_threshold_and_keeps_its_tenth(value, unit, shown):
    assert target_number(value, unit, "nl") == shown


@pytest.mark.parametrize(("year", "shown"), [(2015, "2015-2016"), (2015.0, "2015-2016"), (None, "-"), (math.nan, "-")])
def test_school_year(year, shown):
    assert school_year(year) == shown


KPI_VALUES = [  # row, language, shown
    ({"masked": SMALL, "value": math.nan, "unit": "count"}, "nl", "<5"),
    ({"masked": HIDDEN, "value": math.nan, "unit": "share"}, "nl", "verborgen"),
    ({"masked": HIDDEN, "value": math.nan, "unit": "share"}, "en", "hidden"),
    ({"value": 12.0, "unit": "count", "exact": True}, "nl", "12"),
    ({"value": 0.1, "low": 0.08, "high": 0.14, "unit": "share", "exact": False}, "nl", "10,0% (8,0%–14,0%)"),
    ({"value": 7.5, "low": 6, "high": 9, "unit": "count", "exact": False}, "en", "≈ 8 (6–9)"),
    ({"value": None, "unit": "count", "exact": False}, "nl", "-"),
]


@pytest.mark.parametrize(("row", "language", "shown"), KPI_VALUES)
def test_kpi_value(row, language, shown):
    assert kpi_value(row, language) == shown


@pytest.mark.parametrize(
    ("value", "language", "shown"),
    [
        (SMALL, "en", "<5"),
        (HIDDEN, "en", "hidden"),
        (HIDDEN, "nl", "verborgen"),
        (1500.0, "nl", "1.500"),
        ("14SM05", "nl", "14SM05"),
    ],
)
def test_cell_words_masked_codes_and_formats_numbers(value, language, shown):
    assert cell(value, "count", language) == shown


STATUS_WORDS = [
    ("gehaald", "gehaald", "met"),
    ("op_koers", "op koers", "on track"),
    ("achter", "achter", "behind"),
    ("niet_gehaald", "niet gehaald", "not met"),
    ("onvoldoende_data", "onvoldoende gegevens", "insufficient data"),
    (None, "geen oordeel (vóór basisjaar)", "no verdict (before baseline)"),
]


@pytest.mark.parametrize(("status", "dutch", "english"), STATUS_WORDS)
def test_status_word(status, dutch, english):
    assert (status_word(status, "nl"), status_word(status, "en")) == (dutch, english)


def test_every_status_has_a_word_and_a_colour():
    assert [s for s, *_ in STATUS_WORDS[:-1]] == list(STATUSES) == list(STATUS_COLOURS)


REASONS = [  # row, language, text
    ({"reason": None}, "nl", ""),
    ({"reason": "no_data_year", "year": 2016}, "nl", "geen gegevens voor 2016-2017"),
    ({"reason": "no_baseline", "baseline_year": 2013}, "en", "no data for the baseline year 2013-2014"),
    (
        {"reason": "range_spans", "low": 0.08, "high": 0.14, "unit": "share"},
        "en",
        "small numbers (<5): the value lies between 8.0% and 14.0%, too uncertain for a verdict",
    ),
    (
        {"reason": "range_spans", "low": 3, "high": 6, "unit": "count"},
        "nl",
        "kleine aantallen (<5): de waarde ligt tussen 3 en 6, te onzeker voor een oordeel",
    ),
    (  # masked for the role: the range is protected too
        {"reason": "range_spans", "low": math.nan, "high": math.nan, "unit": "share", "masked": HIDDEN},
        "en",
        "small numbers (<5): too uncertain for a verdict",
    ),
]


@pytest.mark.parametrize(("row", "language", "text"), REASONS)
def test_reason_text(row, language, text):
    assert reason_text(row, language) == text


RULE_TEXTS = [  # rule, amount, unit, baseline year, language, text (a school year, as said aloud)
    ("growth", 0.1, "count", 2013, "nl", "groei van 10% t.o.v. 2013-2014"),
    ("growth", 0.1, "count", 2013, "en", "growth of 10% over 2013-2014"),
    ("at_least", 30.0, "count", 2013, "nl", "minstens 30"),
    ("at_least", 0.8, "share", 2013, "en", "at least 80.0%"),
    ("at_most", 0.05, "share", 2013, "nl", "hoogstens 5,0%"),
    ("increase", None, "count", 2014, "nl", "meer dan in 2014-2015"),
    ("decrease", None, "share", 2014, "en", "less than in 2014-2015"),
    (None, None, "count", 2014, "nl", ""),
]


@pytest.mark.parametrize(("rule", "amount", "unit", "baseline", "language", "text"), RULE_TEXTS)
def test_rule_text(rule, amount, unit, baseline, language, text):
    assert rule_text(rule, amount, unit, baseline, language) == text


# -- the catalogue ------------------------------------------------------------------------------


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_word_has_every_language_with_the_same_placeholders():
    for key, entry in catalogue().items():
        assert set(entry) == set(LANGUAGES), key
        assert all(isinstance(text, str) and text for text in entry.values()), key
        assert len({frozenset(_placeholders(text)) for text in entry.values()}) == 1, key


def test_every_code_the_domain_returns_has_its_words():
    keys = set(catalogue())
    wanted = {f"status.{s}" for s in STATUSES} | {f"rule_text.{r}" for r in RULES}
    wanted |= {f"action_line.{line}" for line in ACTION_LINES}
    wanted |= {f"kpi.{k.id}.{part}" for k in KPIS for part in ("label", "definition")}
    reasons = ("no_data", "no_data_year", "no_baseline", "range_spans", "only_regional", "no_target", "before_baseline")
    wanted |= {f"reason.{code}" for code in reasons}
    assert wanted <= keys, sorted(wanted - keys)


def test_every_problem_code_in_the_delivery_code_has_its_words():
    import inspect

    from kpi.delivery import ingest, reading, validation

    source = "".join(inspect.getsource(m) for m in (ingest, reading, validation))
    codes = set(re.findall(r'Problem\(\s*"([a-z_]+)"', source)) | set(
        re.findall(r'codes\[[^]]+\] = "([a-z_]+)"', source)
    )
    assert len(codes) > 10
    missing = [c for c in codes if f"problem.{c}" not in catalogue()]
    assert not missing, missing


def test_every_audited_action_has_its_words():
    """The audit log says what happened in words: every action code the code records is in the catalogue."""
    from pathlib import Path

    import kpi

    source = "".join(p.read_text(encoding="utf-8") for p in Path(kpi.__file__).parent.rglob("*.py"))
    literal = set(re.findall(r'record\(\s*conn,\s*[^,]+,\s*"([a-z_]+\.[a-z_]+)"', source))
    assigned = set(re.findall(r'action = "([a-z_]+\.[a-z_]+)" if .+ else "([a-z_]+\.[a-z_]+)"', source))
    codes = (
        literal
        | {code for pair in assigned for code in pair}
        | {"delivery.import", "delivery.restore", "delivery.demo", "demo.retire"}
    )
    assert len(codes) > 20
    missing = sorted(c for c in codes if f"audit_action.{c}" not in catalogue())
    assert not missing, missing


@pytest.mark.parametrize(
    ("actor", "language", "shown"),
    [
        ("systeem", "en", "system"),
        ("systeem", "nl", "systeem"),
        ("beheer", "en", "beheer"),
        ("scholen.csv", "en", "scholen.csv"),
    ],
)
def test_the_application_itself_is_named_in_the_readers_language(actor, language, shown):
    assert actor_words(actor, language) == shown


@pytest.mark.parametrize(
    ("language", "heads"),
    [
        ("nl", ["blad", "Schooljaar", "regels nu", "regels na opslaan"]),
        ("en", ["sheet", "School year", "rows now", "rows after storing"]),
    ],
)
def test_rows_change_table_heads_in_words_and_school_years_as_written(language, heads):
    rows = pd.DataFrame({"blad": ["leerlingen"], "jaar": [2018], "nu": [10], "na": [12]})
    shown = rows_change_table(rows, "rows_after", language)
    assert list(shown.columns) == heads and shown.iloc[0].tolist() == ["leerlingen", "2018-2019", 10, 12]


@pytest.mark.parametrize(
    ("statuses", "rules", "extra"),
    [
        (["gehaald", "achter"], ["min_pct_growth", "min_value"], []),
        (["gehaald", None, None], ["min_value", None, None], [(None, True, 2)]),  # open data: no target
        (["gehaald", None, None], ["min_value", None, "min_value"], [(None, True, 1), (None, False, 1)]),  # no verdict
    ],
)
def test_status_counts_add_up_to_the_kpis(statuses, rules, extra):
    counts = status_counts(pd.DataFrame({"status": statuses, "rule": rules}))
    assert counts[: len(STATUSES)] == [(s, False, statuses.count(s)) for s in STATUSES]
    assert counts[len(STATUSES) :] == extra and sum(n for _, _, n in counts) == len(statuses)


@pytest.mark.parametrize(
    ("schools", "shown"),
    [((), None), (("14SM05",), "College De Brink"), (("14SM05", "99XX"), "College De Brink, 99XX")],
)
def test_chosen_schools_by_name_none_for_the_region(schools, shown):
    assert chosen_schools(Filters(schools), {"14SM05": "College De Brink"}) == shown


def test_problem_words_in_both_languages_with_dutch_decimals():
    problem = Problem("file_too_large", params={"size_mb": 61.5, "limit_mb": 50})
    assert problem.message("nl").startswith("Het bestand is 61,5 MB; de grens is 50 MB.")
    assert problem.message("en").startswith("The file is 61.5 MB; the limit is 50 MB.")


def test_a_language_is_added_in_the_catalogue_alone(tmp_path, monkeypatch):
    import kpi.catalogue as words

    extended = words.CATALOGUE_FILE.read_text(encoding="utf-8").replace(
        '[status.gehaald]\nnl = "gehaald"\n', '[status.gehaald]\nnl = "gehaald"\nde = "erreicht"\n'
    )
    assert 'de = "erreicht"' in extended
    (tmp_path / "words.toml").write_text(extended, encoding="utf-8")
    monkeypatch.setattr(words, "CATALOGUE_FILE", tmp_path / "words.toml")
    words.catalogue.cache_clear()
    words.languages.cache_clear()
    try:
        assert words.languages() == ("nl", "en", "de")
        assert status_word("gehaald", "de") == "erreicht"
        assert status_word("achter", "de") == "achter"  # not yet translated: Dutch
        assert number(1234.5, "count", "de", 1) == "1.234,5"  # separators too
    finally:
        words.catalogue.cache_clear()
        words.languages.cache_clear()


def test_a_missing_language_falls_back_to_dutch():
    assert word("status.gehaald", "de") == "gehaald"


# -- the small-number rule ----------------------------------------------------------------------


def _result(kpi_id, year, value, unit, numerator=None, denominator=None, baseline_year=None, baseline_value=None):
    return {
        "id": kpi_id,
        "year": year,
        "value": value,
        "low": value,
        "high": value,
        "projection": None,
        "unit": unit,
        "numerator": numerator,
        "denominator": denominator,
        "baseline_year": baseline_year,
        "baseline_value": baseline_value,
    }


PROTECTION = [  # role, result, masked, value left
    ("viewer", _result("a", 2016, 3.0, "count"), SMALL, None),
    ("viewer", _result("a", 2016, 0.0, "count"), None, 0.0),
    ("viewer", _result("a", 2016, 5.0, "count"), None, 5.0),
    ("school", _result("a", 2016, 4.0, "count"), SMALL, None),
    ("analyst", _result("a", 2016, 3.0, "count"), None, 3.0),
    ("admin", _result("a", 2016, 1.0, "count"), None, 1.0),
    ("viewer", _result("b", 2016, 0.5, "share", 4.0, 8.0), HIDDEN, None),
    ("viewer", _result("b", 2016, 0.5, "share", 5.0, 10.0), None, 0.5),
    ("stuurgroep", _result("b", 2016, 0.75, "share", 6.0, 8.0), None, 0.75),
    ("analyst", _result("b", 2016, 0.5, "share", 1.0, 2.0), None, 0.5),
]


@pytest.mark.parametrize(("role", "result", "masked", "value"), PROTECTION)
def test_protected_results(role, result, masked, value):
    row = masked_results(pd.DataFrame([result]), role).iloc[0]
    assert row["masked"] == masked
    assert (value is None and math.isnan(row["value"]) and math.isnan(row["low"])) or row["value"] == value


def test_a_masked_year_masks_the_baseline_that_points_at_it():
    rows = pd.DataFrame([_result("a", 2013, 2.0, "count"), _result("a", 2016, 9.0, "count", None, None, 2013, 2.0)])
    protected = masked_results(rows, "viewer").set_index("year")
    assert protected.loc[2016, "value"] == 9.0 and math.isnan(protected.loc[2016, "baseline_value"])


PROTECTED_TABLES = [  # role, aantal, teller, noemer -> aantal shown, share shown
    ("viewer", 3, 3, 10, SMALL, HIDDEN),
    ("viewer", 0, 6, 10, 0, 0.6),
    ("viewer", 12, 5, 4, 12, HIDDEN),
    ("analyst", 3, 3, 10, 3, 0.3),
]


@pytest.mark.parametrize(("role", "count", "numerator", "denominator", "count_shown", "share_shown"), PROTECTED_TABLES)
def test_protected_table(role, count, numerator, denominator, count_shown, share_shown):
    frame = pd.DataFrame(
        {"aantal": [count], "teller": [numerator], "noemer": [denominator], "aandeel": [numerator / denominator]}
    )
    shown = protected_table(frame, role, ["aantal"], {"aandeel": ("teller", "noemer")}).iloc[0]
    assert shown["aantal"] == count_shown and shown["aandeel"] == pytest.approx(share_shown)


# -- flows and the explorer ---------------------------------------------------------------------

FLOW_ROWS = [
    leerling(2016, "doorstroom", 20, level="VMBO-TL", program="ICT", to_level="MBO-4", to_program="ICT-beheer"),
    leerling(2016, "doorstroom", 7, level="VMBO-TL", program="ICT", to_level="MBO-4", to_program="Commercie"),
    leerling(2016, "doorstroom", 9, level="MBO-4", program="Engineering", to_level="HBO-BA"),
    leerling(2016, "doorstroom", "<5", level="MBO-4", program="Commercie", to_level="HBO-BA"),
    leerling(2016, "doorstroom", 6, level="VMBO-KB", program="PIE", to_level="MBO-2", to_program="BWI"),
    leerling(2015, "doorstroom", 50, level="VMBO-TL", program="ICT", to_level="MBO-4", to_program="ICT-beheer"),
    leerling(2016, "instroom", 30),
]


def test_the_plan_flows_come_from_the_registry():
    assert list(PLAN_FLOWS) == [REGISTRY["mavo_mbo4_techniek"].numerator, REGISTRY["mbo4_hbo_doorstroom"].numerator]


def test_doorstroom_matrix_marks_the_plans_flows_and_counts_suppressed_cells_as_two_and_a_half():
    flows = doorstroom_matrix(facts_of(leerlingen=FLOW_ROWS), 2016)
    got = {(r.van, r.naar): (r.aantal, r.exact, r.plan) for r in flows.itertuples()}
    assert got == {
        ("VMBO-TL", "MBO-4 techniek/ICT"): (20.0, True, True),
        ("VMBO-TL", "MBO-4"): (7.0, True, False),
        ("MBO-4 techniek/ICT", "HBO-BA"): (9.0, True, True),  # Engineering: in the plan
        ("MBO-4", "HBO-BA"): (2.5, False, False),  # Commercie, <5: not in the plan, not exact
        ("VMBO-KB", "MBO-2 techniek/ICT"): (6.0, True, False),
    }
    assert list(flows["aantal"]) == sorted(flows["aantal"], reverse=True)
    assert doorstroom_matrix(facts_of(leerlingen=FLOW_ROWS), 2016, min_count=7)["aantal"].tolist() == [20.0, 9.0, 7.0]
    assert doorstroom_matrix(facts_of(leerlingen=FLOW_ROWS), 2020).empty


EXPLORER_ROWS = [
    leerling(2015, "instroom", 10, brin="14SM05"),
    leerling(2016, "instroom", "<5", brin="14SM05", route="Vakmanschapsroute"),
    leerling(2016, "instroom", 6, brin="03FO01", level="VMBO-BB"),
    leerling(2016, "uitval", 2, brin="03FO01"),
]


def test_explorer_rows_filter_by_indicator_and_years_and_count_suppressed_as_two_and_a_half():
    facts = facts_of(leerlingen=EXPLORER_ROWS)
    rows = explorer_rows(facts, Selection(indicators=("instroom",), years=(2016, 2016)))
    assert sorted(rows["aantal_punt"]) == [2.5, 6.0]


PIVOTS = [  # by, expected {column: [2015, 2016]}; None: no rows that year, a gap in the chart (never 0)
    (None, {"totaal": [10.0, 10.5]}),
    ("brin", {"03FO01": [None, 8.0], "14SM05": [10.0, 2.5]}),
    ("route", {"Vakmanschapsroute": [None, 2.5], OTHER: [10.0, 8.0]}),
]


@pytest.mark.parametrize(("by", "expected"), PIVOTS)
def test_explorer_pivot(by, expected):
    pivot = explorer_pivot(explorer_rows(facts_of(leerlingen=EXPLORER_ROWS), Selection()), by)
    assert list(pivot.index) == [2015, 2016]
    assert {str(c): [None if math.isnan(v) else v for v in pivot[c]] for c in pivot.columns} == expected


SHOWN_PIVOTS = [
    (None, "nl", {"Schooljaar": ["2015-2016", "2016-2017"], "Totaal": ["10", "<5"]}),
    (
        "brin",
        "en",
        {"School year": ["2015-2016", "2016-2017"], "De Brink (14SM05)": ["10", "<5"], "03FO01": ["-", "8"]},
    ),
    (
        "route",
        "nl",
        {"Schooljaar": ["2015-2016", "2016-2017"], "Vakmanschapsroute": ["-", "<5"], "(leeg)": ["10", "8"]},
    ),
]


@pytest.mark.parametrize(("by", "language", "expected"), SHOWN_PIVOTS)
def test_pivot_shown_names_series_and_words_every_cell(by, language, expected):
    columns = {"brin": ["14SM05", "03FO01"], "route": ["Vakmanschapsroute", OTHER], None: ["totaal"]}[by]
    values = {"totaal": [10.0, SMALL], "14SM05": [10.0, SMALL], "03FO01": [None, 8.0],
              "Vakmanschapsroute": [None, SMALL], OTHER: [10.0, 8.0]}  # fmt: skip
    pivot = pd.DataFrame({c: values[c] for c in columns}, index=pd.Index([2015, 2016], name="schooljaar"))
    view = pivot_shown(pivot, by, {"14SM05": "De Brink"}, language)
    assert view.shown.to_dict("list") == expected
    assert list(view.chart.columns) == list(expected)[1:] and list(view.table.columns) == list(expected)
    assert (
        view.table.iloc[:, 1:].astype(str).to_numpy().tolist() == view.chart.astype(str).to_numpy().tolist()
    )  # downloads keep the values


@pytest.mark.parametrize(
    ("language", "head", "cells"),
    [("nl", ["van", "naar", "aantal (≈: met kleine aantallen geschat)", "in actieplan"], ["1.234", "≈ 7", "ja", ""]),
     ("en", ["from", "to", "count (≈: estimated with small numbers)", "in action plan"], ["1,234", "≈ 7", "yes", ""])],
)  # fmt: skip
def test_flows_shown_marks_estimates_and_the_plans_flows(language, head, cells):
    flows = pd.DataFrame({"van": ["MBO-4", "VMBO"], "naar": ["HBO", "MBO-2"], "aantal": [1234.0, 7.0],
                          "exact": [True, False], "plan": [True, False]})  # fmt: skip
    shown = flows_shown(flows, language)
    assert list(shown.columns) == head
    assert [*shown.iloc[:, 2], *shown.iloc[:, 3]] == cells


def test_explorer_options_and_school_names():
    facts = facts_of(leerlingen=EXPLORER_ROWS)
    options = explorer_options(facts)
    assert options["years"] == [2015, 2016] and options["route"] == ["regulier", "Vakmanschapsroute"]
    assert options["indicator"] == ["instroom", "uitval"]
    assert school_names(facts) == {"14SM05": "School 14SM05", "03FO01": "School 03FO01"}
    assert explorer_pivot(explorer_rows(facts, Selection(years=(2020, 2021))), None).empty


# -- charts -------------------------------------------------------------------------------------

TARGETS = {"vmbo_keuze_techniek": [Target("vmbo_keuze_techniek", 2014, 2017, "growth", 0.1)]}
CHART_ROWS = [leerling(2014, "instroom", 10), leerling(2015, "instroom", "<5"), leerling(2016, "instroom", 12)]


def _kpi_rows(rows=CHART_ROWS, kpi_id="vmbo_keuze_techniek"):
    return kpi_values(facts_of(leerlingen=rows), TARGETS, kpis=[REGISTRY[kpi_id]])


@pytest.mark.parametrize(
    ("language", "names"),
    [
        (
            "nl",
            [
                "Bereik door kleine aantallen",
                "Gemeten",
                "Basisjaar",
                "Doel",
                "Op koers (lijn basis → doel)",
                "Projectie (trend)",
            ],
        ),
        (
            "en",
            [
                "Range from small numbers",
                "Measured",
                "Baseline",
                "Target",
                "On track (baseline → target)",
                "Projection (trend)",
            ],
        ),
    ],
)
def test_kpi_chart_draws_range_measured_baseline_target_track_and_projection(language, names):
    figure = kpi_chart(_kpi_rows(), language)
    assert [t.name for t in figure.data if t.name] == names
    assert figure.layout.separators == (",." if language == "nl" else ".,")
    measured = next(t for t in figure.data if t.name == names[1])
    assert list(measured.x) == [2014, 2015, 2016] and list(measured.y) == [10.0, 2.5, 12.0]


def test_kpi_chart_without_small_numbers_or_target_draws_the_measured_line_only():
    rows = _kpi_rows([leerling(2016, "instroom", 8)], "vmbo_keuze_techniek_aandeel")
    assert [t.name for t in kpi_chart(rows, "nl").data] == ["Gemeten"]


def test_sankey_colours_the_plans_flows():
    flows = doorstroom_matrix(facts_of(leerlingen=FLOW_ROWS), 2016)
    link = sankey(flows, "nl").data[0].link
    coloured = [c.startswith("rgba(213") for c in link.color]
    assert coloured == list(flows["plan"]) and list(link.customdata) == ["20", "9", "7", "6", "≈ 3"]


def test_explorer_chart_draws_a_line_per_column():
    pivot = pd.DataFrame({"14SM05": [1.0, 2.0], "03FO01": [3.0, 4.0]}, index=pd.Index([2015, 2016], name="schooljaar"))
    figure = explorer_chart(pivot, "en")
    assert [t.name for t in figure.data] == ["14SM05", "03FO01"] and list(figure.data[1].y) == [3.0, 4.0]


# -- the meeting pack ---------------------------------------------------------------------------

PACK_ROWS = [*CHART_ROWS, leerling(2016, "instroom", 20, program="D&P")]


def _pack_results(role="viewer"):
    facts = facts_of(leerlingen=PACK_ROWS)
    kpis = [REGISTRY["vmbo_keuze_techniek"], REGISTRY["vmbo_keuze_techniek_aandeel"], REGISTRY["po_wt_scholen"]]
    everything = protected_results(facts, TARGETS, role, kpis=kpis)
    chosen = protected_results(facts, TARGETS, role, year=2016, kpis=kpis)
    return chosen, everything


@pytest.mark.parametrize(
    ("language", "head", "line"),
    [
        (
            "nl",
            [
                "KPI",
                "Actielijn",
                "Schooljaar",
                "Waarde",
                "Ondergrens",
                "Bovengrens",
                "Doel",
                "Doeljaar",
                "Regel",
                "Status",
                "Toelichting",
            ],
            [
                "VMBO-leerlingen die kiezen voor techniek/ICT",
                "Kiezen voor techniek",
                "2016-2017",
                12.0,
                None,
                None,
                11.0,
                "2017-2018",
                "groei van 10% t.o.v. 2014-2015",
                "gehaald",
                "",
            ],
        ),
        (
            "en",
            [
                "KPI",
                "Action line",
                "School year",
                "Value",
                "Lower bound",
                "Upper bound",
                "Target",
                "Target year",
                "Rule",
                "Status",
                "Note",
            ],
            [
                "VMBO pupils choosing technology/ICT",
                "Choosing technology",
                "2016-2017",
                12.0,
                None,
                None,
                11.0,
                "2017-2018",
                "growth of 10% over 2014-2015",
                "met",
                "",
            ],
        ),
    ],
)
def test_pack_overview_in_words_and_numbers(language, head, line):
    chosen, everything = _pack_results()
    table = overview_frame(pack_of_results(chosen, everything, TARGETS, "viewer", language, 2016))
    assert list(table.columns) == head
    first = [None if isinstance(v, float) and math.isnan(v) else v for v in table.iloc[0].tolist()]
    assert first == line
    no_data = table.iloc[2].tolist()
    assert no_data[9] == status_word("onvoldoende_data", language) and no_data[10] == word("reason.no_data", language)


def test_pack_shows_masked_values_in_words_and_never_their_numbers():
    rows = [leerling(2016, "instroom", 3), leerling(2016, "instroom", 20, program="D&P")]
    kpis = [REGISTRY["vmbo_keuze_techniek"], REGISTRY["vmbo_keuze_techniek_aandeel"]]
    chosen = protected_results(facts_of(leerlingen=rows), TARGETS, "viewer", year=2016, kpis=kpis)
    for language, words in (("en", ["<5", "hidden"]), ("nl", ["<5", "verborgen"])):
        pack = pack_of_results(chosen, chosen, TARGETS, "viewer", language, 2016)
        assert [p.short_value for p in kpi_pages(pack)] == words
        assert overview_frame(pack)[word("meet.value", language)].isna().all()  # no number behind the words


def test_meeting_pack_xlsx_has_selection_overview_and_series_in_the_language():
    chosen, everything = _pack_results()
    for language, names, status in (
        ("nl", ["Selectie", "Overzicht", "Reeksen"], "gehaald"),
        ("en", ["Selection", "Overview", "Series"], "met"),
    ):
        pack = pack_of_results(chosen, everything, TARGETS, "viewer", language, 2016)
        workbook = openpyxl.load_workbook(io.BytesIO(meeting_pack_xlsx(pack)))
        assert workbook.sheetnames == names
        overview = [[c.value for c in row] for row in workbook[names[1]].iter_rows()]
        assert len(overview) == 1 + len(chosen) and overview[1][9] == status
        series = workbook[names[2]]
        assert series.max_row == 1 + len(everything.dropna(subset=["year"]))
        assert not any(kpi.id in str(c.value) for row in series.iter_rows() for c in row for kpi in KPIS)


@pytest.mark.parametrize(
    ("rows", "drawn"),
    [
        ([(2014, None, 10.0, None), (2015, 2016, 11.0, 12.5)], True),  # target after the last measurement
        ([(2015, 2016, 11.0, 12.5), (2014, None, 10.0, None)], True),  # order of the rows does not matter
        ([(2014, None, 10.0, None), (2016, 2016, 12.0, 12.0)], False),  # target year measured already
        ([(2014, None, 10.0, None), (2015, 2016, 11.0, None)], False),  # no projection computed
        ([(2014, None, None, None), (2015, 2016, None, 12.5)], False),  # nothing measured
        ([(None, 2016, 11.0, 12.5), (2014, None, 10.0, None)], False),  # a row without a year is not judged
        ([], False),
    ],
)
def test_projection_is_named_only_where_the_chart_draws_one(rows, drawn):
    frame = pd.DataFrame(rows, columns=["year", "target_year", "value", "projection"]).astype(
        {"year": "Int64", "target_year": "Int64", "value": "Float64", "projection": "Float64"}
    )
    assert projection_drawn(frame) is drawn


RESULTS = pd.DataFrame(
    {"id": ["b", "a", "b", "a"], "year": [2015, 2015, 2016, 2016], "target_year": [2016, None, 2016, None]}
)


@pytest.mark.parametrize(("kpi_id", "years"), [("a", [2015, 2016]), ("b", [2015, 2016]), ("c", [])])
def test_kpi_history_is_one_kpi_every_year(kpi_id, years):
    history = kpi_history(RESULTS, kpi_id)
    assert history["year"].tolist() == years and set(history["id"]) <= {kpi_id}


def test_measured_kpis_in_the_order_of_the_results():
    assert measured_kpis(RESULTS) == ["b", "a"]


@pytest.mark.parametrize(
    ("results", "language", "shown"),
    [
        (RESULTS, "nl", "Schooljaar 2015-2016, beoordeeld tegen het doel voor schooljaar 2016-2017."),
        (RESULTS[RESULTS["id"] == "a"], "en", "School year 2015-2016."),  # no target year: nothing to judge against
    ],
)
def test_judged_results_names_the_target_years_of_the_results(results, language, shown):
    assert judged_results(results, 2015, language) == shown
