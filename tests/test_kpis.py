"""The KPI engine on tiny hand-made frames: values, ranges, target rules, statuses, filters, targets file."""

from __future__ import annotations

import pandas as pd
import pytest

from kpi.metrics.compute import kpi_values, point_status, progress_to_target, projection, range_status, school_breakdown
from kpi.metrics.facts import REGION, Filters, facts_from_frames
from kpi.metrics.registry import KPIS, REGISTRY
from kpi.metrics.targets import Target, TargetsError, parse_targets, targets_from_file
from kpi.views.formatting import reason_text

LOOKUP = {"pie": True, "bwi": True, "d&p": False, "ictbeheer": True, "engineering": True, "commercie": False}


def leerling(
    year,
    indicator,
    aantal,
    level="VMBO-KB",
    program="PIE",
    brin="14SM05",
    grade=3,
    route=None,
    to_level=None,
    to_program=None,
):
    suppressed = aantal == "<5"
    return {
        "schooljaar": year,
        "brin": brin,
        "school": f"School {brin}",
        "onderwijssoort": level,
        "leerjaar": grade,
        "opleiding": program,
        "crebo": None,
        "route": route,
        "indicator": indicator,
        "naar_onderwijssoort": to_level,
        "naar_opleiding": to_program,
        "geslacht": None,
        "aantal": None if suppressed else aantal,
        "aantal_onderdrukt": suppressed,
    }


def facts_of(leerlingen=(), organisaties=(), werkenden=(), arbeidsmarkt=()):
    """Facts from lists of row dicts; columns left out are empty (schema.typed adds them)."""
    sheets = {
        "leerlingen": leerlingen,
        "organisaties": organisaties,
        "werkenden": werkenden,
        "arbeidsmarkt": arbeidsmarkt,
    }
    return facts_from_frames({name: pd.DataFrame(list(rows)) for name, rows in sheets.items() if rows}, LOOKUP)


def org(year, kind, name, wt=None, vvt=None):
    return {"jaar": year, "naam": name, "soort": kind, "wt_beleid": wt, "vrienden_van_techniek": vvt}


def work(year, scheme, started, suppressed=False):
    return {
        "jaar": year,
        "regeling": scheme,
        "gestart": None if suppressed else started,
        "gestart_onderdrukt": suppressed,
    }


def market(year, sector, demand, intake):
    return {"jaar": year, "sector": sector, "vervangingsvraag": demand, "instroom_schoolverlaters": intake}


TARGETS = targets_from_file()


def value_of(facts, kpi_id, year, filters=REGION):
    results = kpi_values(facts, TARGETS, filters, year, kpis=[REGISTRY[kpi_id]])
    return results.iloc[0].to_dict()


# Each KPI on a tiny frame, with the expectation worked out by hand in the comment.
CASES = [
    # 12 PIE + 3 BWI techniek in KB/GL year 3; BB D&P (not techniek), HAVO and year 4 rows do not count: 15
    (
        "vmbo_keuze_techniek",
        dict(
            leerlingen=[
                leerling(2016, "instroom", 12),
                leerling(2016, "instroom", 3, level="VMBO-GL", program="BWI"),
                leerling(2016, "instroom", 20, level="VMBO-BB", program="D&P"),
                leerling(2016, "instroom", 9, level="HAVO"),
                leerling(2016, "instroom", 7, grade=4),
            ]
        ),
        15.0,
    ),
    # 15 techniek of 15 + 20 = 35
    (
        "vmbo_keuze_techniek_aandeel",
        dict(
            leerlingen=[
                leerling(2016, "instroom", 12),
                leerling(2016, "instroom", 3, level="VMBO-GL", program="BWI"),
                leerling(2016, "instroom", 20, level="VMBO-BB", program="D&P"),
            ]
        ),
        15 / 35,
    ),
    (
        "po_wt_scholen",
        dict(
            organisaties=[
                org(2016, "basisschool", "A", wt=True),
                org(2016, "basisschool", "B", wt=False),
                org(2016, "basisschool", "C", wt=True),
                org(2016, "bedrijf", "D", wt=True),
            ]
        ),
        2.0,
    ),
    (
        "vrienden_van_techniek",
        dict(
            organisaties=[
                org(2016, "bedrijf", "A", vvt=True),
                org(2016, "bedrijf", "B", vvt=True),
                org(2016, "bedrijf", "C", vvt=False),
                org(2016, "vo", "D", vvt=True),
            ]
        ),
        2.0,
    ),
    # to MBO-4 ICT-beheer 6 + Engineering 4 count; Commercie and the HAVO destination do not: 10
    (
        "mavo_mbo4_techniek",
        dict(
            leerlingen=[
                leerling(
                    2016,
                    "doorstroom",
                    6,
                    level="VMBO-TL",
                    program="Algemeen",
                    to_level="MBO-4",
                    to_program="ICT-beheer",
                ),
                leerling(
                    2016,
                    "doorstroom",
                    4,
                    level="VMBO-TL",
                    program="Algemeen",
                    to_level="MBO-4",
                    to_program="Engineering",
                ),
                leerling(
                    2016,
                    "doorstroom",
                    30,
                    level="VMBO-TL",
                    program="Algemeen",
                    to_level="MBO-4",
                    to_program="Commercie",
                ),
                leerling(
                    2016, "doorstroom", 8, level="VMBO-TL", program="Algemeen", to_level="HAVO", to_program="ICT-beheer"
                ),
            ]
        ),
        10.0,
    ),
    # graduates 30 + 20 = 50; to HBO-AD 12 + HBO-BA 18 = 30 (to MBO-4 elsewhere not): 30 / 50
    (
        "mbo4_hbo_doorstroom",
        dict(
            leerlingen=[
                leerling(2016, "gediplomeerd", 30, level="MBO-4", program="ICT-beheer", grade=None),
                leerling(2016, "gediplomeerd", 20, level="MBO-4", program="Engineering", grade=None),
                leerling(2016, "gediplomeerd", 99, level="MBO-4", program="Commercie", grade=None),
                leerling(2016, "doorstroom", 12, level="MBO-4", program="ICT-beheer", grade=None, to_level="HBO-AD"),
                leerling(2016, "doorstroom", 18, level="MBO-4", program="Engineering", grade=None, to_level="HBO-BA"),
                leerling(2016, "doorstroom", 5, level="MBO-4", program="Engineering", grade=None, to_level="MBO-4"),
            ]
        ),
        0.6,
    ),
    (
        "vakmanschapsroute_instroom",
        dict(
            leerlingen=[
                leerling(2016, "instroom", 7, route="Vakmanschapsroute"),
                leerling(2016, "instroom", 5, level="MBO-2", route="Vakmanschapsroute"),
                leerling(2016, "instroom", 40),
            ]
        ),
        12.0,
    ),
    # uitval 3 of ingeschreven 60 within the route; regular uitval 10 not counted
    (
        "vakmanschapsroute_uitval",
        dict(
            leerlingen=[
                leerling(2016, "ingeschreven", 60, route="Vakmanschapsroute"),
                leerling(2016, "uitval", 3, route="Vakmanschapsroute"),
                leerling(2016, "uitval", 10),
            ]
        ),
        0.05,
    ),
    (
        "mbo_techniek_instroom",
        dict(
            leerlingen=[
                leerling(2016, "instroom", 25, level="MBO-2", program="PIE"),
                leerling(2016, "instroom", 15, level="MBO-4", program="ICT-beheer"),
                leerling(2016, "instroom", 50, level="MBO-4", program="Commercie"),
                leerling(2016, "instroom", 9, level="VMBO-KB", program="PIE"),
            ]
        ),
        40.0,
    ),
    (
        "werkzoekenden_omscholing",
        dict(
            werkenden=[
                work(2016, "omscholing werkzoekenden", 8),
                work(2016, "omscholing werkzoekenden", 5),
                work(2016, "opscholing werkenden", 30),
            ]
        ),
        13.0,
    ),
    (
        "opscholing_werkenden",
        dict(werkenden=[work(2016, "omscholing werkzoekenden", 8), work(2016, "opscholing werkenden", 30)]),
        30.0,
    ),
    # (40 + 20) / (100 + 50)
    ("dekking_vervangingsvraag", dict(arbeidsmarkt=[market(2016, "bouw", 100, 40), market(2016, "ICT", 50, 20)]), 0.4),
]


@pytest.mark.parametrize(("kpi_id", "data", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_kpi_on_a_tiny_frame(kpi_id, data, expected):
    result = value_of(facts_of(**data), kpi_id, 2016)
    assert result["value"] == pytest.approx(expected)
    assert result["exact"] and result["low"] == pytest.approx(expected) == result["high"]


def test_every_kpi_of_the_registry_is_covered_here_and_in_the_targets_file():
    delivered = {k.id for k in KPIS if k.source == "leveringen"}
    assert {c[0] for c in CASES} == delivered == set(TARGETS)  # open-data KPIs: tests/test_opendata.py, no target
    assert set(REGISTRY) - delivered == {"vmbo_examen_techniek", "vmbo_examen_techniek_aandeel"}


# (rule, amount, baseline, year, value) -> status; baseline 2014, target year 2016
STATUS_TABLE = [
    ("growth", 0.10, 100, 2016, 110, "gehaald"),
    ("growth", 0.10, 100, 2016, 109.9, "niet_gehaald"),
    ("growth", 0.10, 100, 2015, 106, "op_koers"),  # line at 2015: 105
    ("growth", 0.10, 100, 2015, 104, "achter"),
    ("growth", 0.10, 100, 2015, 111, "gehaald"),  # met before the target year
    ("growth", 0.10, 100, 2017, 105, "niet_gehaald"),
    ("at_least", 30, 12, 2015, 21, "op_koers"),  # line at 2015: 21
    ("at_least", 30, 12, 2015, 20, "achter"),
    ("at_least", 30, 12, 2016, 30, "gehaald"),
    ("at_most", 0.05, 0.15, 2015, 0.10, "op_koers"),  # line at 2015: 0.10, lower is better
    ("at_most", 0.05, 0.15, 2015, 0.11, "achter"),
    ("at_most", 0.05, 0.15, 2016, 0.06, "niet_gehaald"),
    ("increase", None, 50, 2016, 51, "gehaald"),
    ("increase", None, 50, 2016, 50, "niet_gehaald"),  # "more" means strictly more
    ("increase", None, 50, 2014, 50, "op_koers"),
    ("decrease", None, 0.12, 2016, 0.11, "gehaald"),
    ("decrease", None, 0.12, 2016, 0.12, "niet_gehaald"),
    ("decrease", None, 0.12, 2015, 0.13, "achter"),
    ("growth", 0.10, 100, 2013, 120, None),  # before the baseline year: no verdict
]


@pytest.mark.parametrize(("rule", "amount", "baseline", "year", "value", "status"), STATUS_TABLE)
def test_target_rules_and_statuses(rule, amount, baseline, year, value, status):
    target = Target("x", 2014, 2016, rule, amount)
    assert point_status(target, year, value, baseline)[0] == status


def test_status_over_the_years_from_the_data():
    rows = [leerling(y, "instroom", n) for y, n in ((2014, 100), (2015, 106), (2016, 109))]
    results = kpi_values(facts_of(leerlingen=rows), TARGETS, kpis=[REGISTRY["vmbo_keuze_techniek"]])
    assert results[["year", "status", "baseline_value"]].values.tolist() == [
        [2014, "op_koers", 100.0],
        [2015, "op_koers", 100.0],
        [2016, "niet_gehaald", 100.0],
    ]
    assert results["target_value"].iloc[-1] == pytest.approx(110)
    # least squares through (2014, 100), (2015, 106), (2016, 109): slope 4.5, read at 2016 = 109.5 - 0 ... by hand:
    # mean year 2015, mean value 105; slope = ((-1)(-5) + 0 + (1)(4)) / 2 = 4.5; at 2016: 105 + 4.5 = 109.5
    assert results["projection"].iloc[-1] == pytest.approx(109.5)


def test_projection_needs_two_years():
    assert projection([2014], [1.0], 2016, "count") is None
    assert projection([2014, 2015], [0.5, 0.9], 2016, "share") == 1.0  # clipped: a share cannot pass 100%


def test_suppressed_cells_make_a_count_range():
    rows = [leerling(2016, "instroom", 10), leerling(2016, "instroom", "<5", program="BWI")]
    result = value_of(facts_of(leerlingen=rows), "vmbo_keuze_techniek", 2016)
    assert (result["low"], result["value"], result["high"], result["exact"]) == (11, 12.5, 14, False)


def test_share_range_with_subset_uses_the_tight_bounds():
    # techniek 10 + <5, other 20: low = 11 / (11 + 20), high = 14 / (14 + 20)
    rows = [
        leerling(2016, "instroom", 10),
        leerling(2016, "instroom", "<5", program="BWI"),
        leerling(2016, "instroom", 20, program="D&P"),
    ]
    result = value_of(facts_of(leerlingen=rows), "vmbo_keuze_techniek_aandeel", 2016)
    assert result["low"] == pytest.approx(11 / 31) and result["high"] == pytest.approx(14 / 34)
    assert result["value"] == pytest.approx(12.5 / 32.5)


def test_share_range_without_subset_lowest_over_highest():
    # uitval <5 over ingeschreven 20 + <5: low = 1 / 24, high = 4 / 21
    route = "Vakmanschapsroute"
    rows = [
        leerling(2016, "uitval", "<5", route=route),
        leerling(2016, "ingeschreven", 20, route=route),
        leerling(2016, "ingeschreven", "<5", program="BWI", route=route),
    ]
    result = value_of(facts_of(leerlingen=rows), "vakmanschapsroute_uitval", 2016)
    assert (result["low"], result["high"]) == (pytest.approx(1 / 24), pytest.approx(4 / 21))


def test_range_status_decided_only_when_the_whole_range_agrees():
    target = Target("x", 2014, 2016, "at_least", 0.8)
    assert range_status(target, 2016, (0.81, 0.9), None) == ("gehaald", None)
    assert range_status(target, 2016, (0.7, 0.9), None) == ("onvoldoende_data", "range_spans")


def test_range_crossing_the_target_gives_onvoldoende_data_with_reason():
    route = "Vakmanschapsroute"
    rows = [
        leerling(2014, "ingeschreven", 50, route=route),
        leerling(2014, "uitval", 5, route=route),
        leerling(2016, "ingeschreven", 50, route=route),
        leerling(2016, "uitval", "<5", route=route),
    ]
    result = value_of(facts_of(leerlingen=rows), "vakmanschapsroute_uitval", 2016)  # 1/50..4/50 vs 5/50
    assert result["status"] == "gehaald"
    rows[-1] = leerling(2016, "uitval", "<5", route=route)
    rows.append(leerling(2016, "uitval", 3, program="BWI", route=route))  # 4/50..7/50 around 5/50
    result = value_of(facts_of(leerlingen=rows), "vakmanschapsroute_uitval", 2016)
    assert (result["status"], result["reason"]) == ("onvoldoende_data", "range_spans")
    assert reason_text(result, "nl") == (
        "kleine aantallen (<5): de waarde ligt tussen 8,0% en 14,0%, te onzeker voor een oordeel"
    )
    assert "between 8.0% and 14.0%" in reason_text(result, "en")


FILTER_ROWS = [
    leerling(2016, "instroom", 10, brin="14SM05"),
    leerling(2016, "instroom", 4, brin="03FO01", level="VMBO-BB"),
    leerling(2016, "instroom", 6, brin="03FO01", route="Vakmanschapsroute"),
]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(), 20),
        (Filters(schools=("14SM05",)), 10),
        (Filters(schools=("03FO",)), 10),  # an institution code covers its locations
        (Filters(schools=("14SM05", "03FO01")), 20),
        (Filters(routes=("Vakmanschapsroute",)), 6),
        (Filters(routes=("regulier",)), 14),
        (Filters(levels=("VMBO-BB",)), 4),
        (Filters(programs=("PIE",)), 20),
    ],
)
def test_filters(filters, expected):
    assert value_of(facts_of(leerlingen=FILTER_ROWS), "vmbo_keuze_techniek", 2016, filters)["value"] == expected


def test_meaningless_filter_and_regional_kpis_give_onvoldoende_data_with_reason():
    facts = facts_of(leerlingen=FILTER_ROWS, organisaties=[org(2016, "bedrijf", "A", vvt=True)])
    result = value_of(facts, "mbo4_hbo_doorstroom", 2016, Filters(levels=("PO",)))
    assert (result["value"], result["status"], result["reason"]) == (None, "onvoldoende_data", "no_data")
    result = value_of(facts, "vrienden_van_techniek", 2016, Filters(schools=("14SM05",)))
    assert (result["status"], result["reason"]) == ("onvoldoende_data", "only_regional")


def test_kpi_without_any_data():
    results = kpi_values(facts_of(), TARGETS)
    assert len(results) == sum(k.source == "leveringen" for k in KPIS)  # open data is computed apart
    assert set(results["status"]) == {"onvoldoende_data"} and results["value"].isna().all()


def test_unclassified_programs_are_counted_not_silently_dropped():
    rows = [leerling(2016, "instroom", 10), leerling(2016, "instroom", 5, program="Smart Technology")]
    result = value_of(facts_of(leerlingen=rows), "vmbo_keuze_techniek", 2016)
    assert (result["value"], result["unclassified"]) == (10, 1)


def test_per_school_breakdown_shows_who_pulls_up_and_down():
    rows = [
        leerling(2014, "instroom", 10, brin="14SM05"),
        leerling(2016, "instroom", 15, brin="14SM05"),
        leerling(2014, "instroom", 10, brin="03FO01"),
        leerling(2016, "instroom", 8, brin="03FO01"),
    ]
    frame = school_breakdown(facts_of(leerlingen=rows), REGISTRY["vmbo_keuze_techniek"], TARGETS, 2016)
    assert frame[["brin", "value", "baseline_value", "change"]].values.tolist() == [
        ["14SM05", 15, 10, 5],
        ["03FO01", 8, 10, -2],
    ]


HEADER = "kpi,baseline_year,target_year,rule,target,source\n"
BROKEN_TARGETS = [
    ("kpi;jaar\n", "line 1"),
    (
        HEADER + "vmbo_keuze_techniek,2014,2016,growth,10%,x\nonbekend,2014,2016,increase,,x\n",
        "line 3: unknown KPI 'onbekend'",
    ),
    (HEADER + "vmbo_keuze_techniek,2014,2016,meer,,x\n", "line 2: unknown rule 'meer'"),
    (HEADER + "vmbo_keuze_techniek,2014,twintig,growth,10%,x\n", "line 2: years must be whole numbers"),
    (HEADER + "vmbo_keuze_techniek,2016,2014,growth,10%,x\n", "line 2: the baseline year 2016 must come before"),
    (HEADER + "vmbo_keuze_techniek,2014,2016,growth,,x\n", "line 2: rule 'growth' needs a target value"),
    (HEADER + "vmbo_keuze_techniek,2014,2016,at_least,veel,x\n", "line 2: target 'veel' is not a number"),
    (HEADER + "mbo4_hbo_doorstroom,2014,2016,at_least,80,x\n", "line 2: 'mbo4_hbo_doorstroom' is a share"),
    (
        HEADER + "po_wt_scholen,2014,2016,at_least,6,x\npo_wt_scholen,2014,2016,at_least,7,x\n",
        "line 3: 'po_wt_scholen' already has a target for 2016",
    ),
]


@pytest.mark.parametrize(("text", "message"), BROKEN_TARGETS)
def test_broken_targets_file_names_the_line(text, message):
    with pytest.raises(TargetsError, match=message):
        parse_targets(text)


def test_a_2020_target_is_added_by_editing_the_file():
    text = HEADER + "po_wt_scholen,2014,2016,at_least,6,plan\npo_wt_scholen,2016,2020,at_least,12,analist\n"
    targets = parse_targets(text)
    facts = facts_of(
        organisaties=[
            org(y, "basisschool", f"S{i}", wt=True) for y, n in ((2014, 2), (2016, 7), (2018, 9)) for i in range(n)
        ]
    )
    results = kpi_values(facts, targets, kpis=[REGISTRY["po_wt_scholen"]]).set_index("year")
    assert results.loc[2016, ["target_year", "status"]].tolist() == [2016, "gehaald"]
    assert results.loc[2018, ["target_year", "target_value", "status"]].tolist() == [
        2020,
        12,
        "achter",
    ]  # line 2018: 9.5


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({"value": 105, "baseline_value": 100, "target_value": 110, "rule": "growth"}, 0.5),
        ({"value": 120, "baseline_value": 100, "target_value": 110, "rule": "growth"}, 1.0),
        ({"value": 90, "baseline_value": 100, "target_value": 110, "rule": "growth"}, 0.0),
        ({"value": 21, "baseline_value": 12, "target_value": 30, "rule": "at_least"}, 0.5),
        ({"value": 0.10, "baseline_value": 0.15, "target_value": 0.05, "rule": "at_most"}, 0.5),
        ({"value": 51, "baseline_value": 50, "target_value": 50, "rule": "increase", "status": "gehaald"}, 1.0),
        # "more/less than in 2014": partial progress, never only empty or full (11,2% against 11,6%: 97%)
        ({"value": 49, "baseline_value": 50, "target_value": 50, "rule": "increase", "status": "niet_gehaald"}, 0.98),
        (
            {"value": 0.112, "baseline_value": 0.116, "target_value": 0.116, "rule": "increase", "status": "achter"},
            0.112 / 0.116,
        ),
        (
            {"value": 0.131, "baseline_value": 0.116, "target_value": 0.116, "rule": "decrease", "status": "achter"},
            0.116 / 0.131,
        ),
        ({"value": 0.10, "baseline_value": 0.116, "target_value": 0.116, "rule": "decrease", "status": "gehaald"}, 1.0),
        ({"value": 0, "baseline_value": 10, "target_value": 10, "rule": "increase", "status": "niet_gehaald"}, 0.0),
        ({"value": 24, "baseline_value": None, "target_value": 30, "rule": "at_least"}, 0.8),
        ({"value": None, "baseline_value": 12, "target_value": 30, "rule": "at_least"}, None),
    ],
)
def test_progress_toward_the_target(row, expected):
    assert progress_to_target(row) == (pytest.approx(expected) if expected is not None else None)


def test_computing_never_changes_the_shared_facts():
    """The UI caches one Facts for every session: a computation reads it and keeps its own memo."""
    import dataclasses

    facts = facts_of(
        [leerling(2014, "instroom", 12), leerling(2015, "instroom", 7, brin="20AB00", route="Vakmanschapsroute")]
    )
    before = {sheet: dict(arrays) for sheet, arrays in facts.arrays.items()}
    frames = {sheet: frame.copy() for sheet, frame in facts.sheets.items()}
    for filters in (REGION, Filters(schools=("14SM",)), Filters(routes=("Vakmanschapsroute",))):
        kpi_values(facts, targets_from_file(), filters)
        school_breakdown(facts, REGISTRY["vmbo_keuze_techniek"], targets_from_file(), 2015)
    assert {s: dict(a) for s, a in facts.arrays.items()} == before  # no key added, none replaced
    assert all(not array.flags.writeable for arrays in facts.arrays.values() for array in arrays.values())
    for sheet, frame in frames.items():
        pd.testing.assert_frame_equal(facts.sheets[sheet], frame)
    with pytest.raises(dataclasses.FrozenInstanceError):
        facts.arrays = {}
