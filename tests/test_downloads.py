"""Downloads fit for Dutch Excel, the explorer's gaps, and the words around KPI results (tiny frames)."""

from __future__ import annotations

import io
import math

import openpyxl
import pandas as pd
import pytest

from kpi.metrics.facts import Filters
from kpi.views.downloads import context_lines, csv_download, flows_download, kpi_download, tidy, xlsx_download
from kpi.views.explorer import explorer_pivot
from kpi.views.wording import file_stem, rule_words, selection_words, short_value, small_note, target_words

RESULT = {"id": "vmbo_keuze_techniek_aandeel", "unit": "share", "exact": True, "masked": None}


def _results() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["vmbo_keuze_techniek_aandeel"] * 2,
            "year": [2014.0, 2016.0],
            "value": [0.3, 0.315],
            "low": [0.3, 0.30],
            "high": [0.3, 0.33],
            "exact": [True, False],
            "baseline_value": [0.3, 0.3],
            "target_value": [0.3, 0.3],
            "status": [None, "op_koers"],
            "projection": [float("nan"), 0.32],
            "masked": [None, None],
        }
    )


def test_explorer_draws_missing_years_as_gaps_not_zeros():
    rows = pd.DataFrame(
        {"schooljaar": [2014, 2014, 2016], "onderwijssoort": ["A", "B", "A"], "aantal_punt": [5.0, 7.0, 6.0]}
    )
    pivot = explorer_pivot(rows, "onderwijssoort")
    assert pivot.index.tolist() == [2014, 2015, 2016]  # 2015 has no data at all: still a row, empty
    assert math.isnan(pivot.loc[2015, "A"]) and math.isnan(pivot.loc[2016, "B"])
    assert pivot.loc[2016, "A"] == 6.0
    assert explorer_pivot(rows, None)["totaal"].isna().tolist() == [False, True, False]


def test_tidy_makes_whole_numbers_integers_and_flags_words():
    frame = tidy(pd.DataFrame({"jaar": [2014.0, 2015.0], "deel": [0.5, 1.0], "ok": [True, False]}))
    assert frame["jaar"].tolist() == [2014, 2015] and str(frame["jaar"].dtype) == "Int64"
    assert frame["deel"].tolist() == [0.5, 1.0]
    assert frame["ok"].tolist() == ["ja", "nee"]


def test_kpi_download_in_words_and_numbers():
    frame = kpi_download(_results())
    assert list(frame.columns)[:3] == ["KPI", "Schooljaar", "Waarde"]
    assert frame["KPI"].iloc[0] == "Aandeel VMBO-leerlingen dat kiest voor techniek/ICT"
    assert frame["Schooljaar"].tolist() == ["2014-2015", "2016-2017"]
    assert frame["Status"].tolist() == ["geen oordeel (vóór basisjaar)", "op koers"]
    assert math.isnan(frame["Ondergrens"].iloc[0]) and frame["Ondergrens"].iloc[1] == 0.30  # only where uncertain


def test_csv_states_the_selection_first_and_uses_decimal_commas():
    context = context_lines("Hele regio", "28-11-2026 09:30", "nl", 2016, demo=True, what="Aandeel")
    text = csv_download(kpi_download(_results()), context).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "Inhoud;Aandeel" and lines[1] == "Selectie;Hele regio" and lines[2] == "Schooljaar;2016-2017"
    assert any(line.startswith("Demogegevens;") for line in lines)
    header = lines.index(
        "KPI;Schooljaar;Waarde;Ondergrens;Bovengrens;Basiswaarde;Doel;Status;Projectie (trend);Kleine aantallen"
    )
    assert lines[header + 2].split(";")[2] == "0,315"
    assert "op_koers" not in text and "vmbo_keuze_techniek" not in text


def test_xlsx_has_a_selection_sheet_then_real_numbers():
    context = context_lines("School: College De Brink (14SM05)", "28-11-2026 09:30")
    book = openpyxl.load_workbook(io.BytesIO(xlsx_download(kpi_download(_results()), context, "aandeel", shares=True)))
    assert book.sheetnames == ["Selectie", "aandeel"]
    assert book["Selectie"]["B1"].value == "School: College De Brink (14SM05)"
    sheet = book["aandeel"]
    assert sheet["C3"].value == pytest.approx(0.315) and sheet["C3"].number_format == "0.0%"
    assert sheet["A1"].font.bold


def test_flows_download_has_words_for_flags():
    flows = pd.DataFrame({"van": ["VMBO-TL"], "naar": ["MBO-4"], "aantal": [12.0], "exact": [True], "plan": [False]})
    frame = tidy(flows_download(flows))
    assert frame.iloc[0].tolist() == ["VMBO-TL", "MBO-4", 12, "ja", "nee"]


def test_file_name_carries_selection_year_and_date():
    assert file_stem(Filters(("14SM05",), ("Vakmanschapsroute",)), 2016, "2026-11-28", "verkenner") == (
        "techniekpact_verkenner_14SM05_Vakmanschapsroute_2016-2017_2026-11-28"
    )


@pytest.mark.parametrize(
    ("row", "amount", "expected"),
    [
        (
            {"rule": "growth", "unit": "count", "baseline_year": 2014, "target_year": 2016, "target_value": 254.1},
            0.1,
            "Doel 2016-2017: 254,1 (groei van 10% t.o.v. 2014-2015)",  # a threshold keeps its tenth
        ),
        (
            {"rule": "increase", "unit": "share", "baseline_year": 2014, "target_year": 2016, "target_value": 0.306},
            None,
            "Doel 2016-2017: 30,6% (meer dan in 2014-2015)",
        ),
        (
            {"rule": "at_least", "unit": "count", "baseline_year": 2014, "target_year": 2016, "target_value": 6},
            6,
            "Doel 2016-2017: 6 (minstens 6)",
        ),
        ({"rule": None, "unit": "count"}, None, "Geen doel vastgesteld"),
        (  # the region's absolute target under a school filter: no value for the school, the rule alone
            {"rule": "at_least", "unit": "count", "baseline_year": 2014, "target_year": 2016, "target_value": None},
            6,
            "Doel 2016-2017: minstens 6",
        ),
    ],
)
def test_target_in_words_with_school_years(row, amount, expected):
    assert target_words(row, amount) == expected


def test_values_and_small_number_notes():
    assert short_value({**RESULT, "value": 0.131, "exact": False}) == "≈ 13,1%"
    assert short_value({**RESULT, "unit": "count", "masked": "<5"}) == "<5"
    estimated = {**RESULT, "unit": "count", "exact": False}
    assert [short_value({**estimated, "value": v}) for v in (409.5, 410.0)] == ["≈ 410", "≈ 410"]  # one sign
    assert "tussen 9,9% en 16,3%" in small_note({**RESULT, "value": 0.131, "low": 0.099, "high": 0.163, "exact": False})
    assert small_note({**RESULT, "masked": "<5"}).startswith("Een aantal onder de 5")
    assert (
        rule_words({"rule": "decrease", "unit": "share", "baseline_year": 2014}, None, "en") == "less than in 2014-2015"
    )


def test_selection_in_words():
    names = {"14SM05": "College De Brink"}
    assert selection_words(Filters(), names) == "Hele regio"
    assert selection_words(Filters(("14SM05",), ("regulier",), ("VMBO-KB",)), names) == (
        "School: College De Brink (14SM05) · Route: regulier (geen route) · Onderwijssoort: VMBO-KB"
    )
