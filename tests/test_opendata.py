"""Open data: DUO's national exam file as a source of its own, the region definition, and the two KPIs
checked against an independent computation with the csv module over the same file."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from kpi.__main__ import main
from kpi.delivery.storage import engine_for
from kpi.metrics.benchmark import (
    OpenData,
    all_kpi_values,
    open_data_series,
    open_data_values,
    school_mask,
)
from kpi.metrics.facts import Filters, facts_from_frames
from kpi.metrics.registry import REGISTRY
from kpi.settings.audit import audit_entries
from kpi.settings.region import Region, add_member, region
from kpi.sources.duo.base import DuoFileError, parse_count, read_duo_file, year_columns
from kpi.sources.duo.store import COUNT_TABLES, load_file, open_data_facts, open_data_history
from kpi.views.meeting import kpi_figure
from kpi.views.opendata import benchmark_chart

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "open" / "duo_examen_raw_all.csv"
MUNICIPALITIES = {"HILVERSUM", "GOOISE MEREN", "HUIZEN", "LAREN", "BLARICUM", "WIJDEMEREN", "WEESP"}
WEESP = {"24TG00", "24TG04"}
YEARS = range(2019, 2024)


def _independent(rows: list[dict], keep) -> dict[int, dict[str, float]]:
    """Straight from the CSV: per year the techniek count and share as low/point/high (`<5` as 1, 2.5, 4)."""
    out = {}
    for year in YEARS:
        column = f"EXAMENKANDIDATEN SCHOOLJAAR {year}-{year + 1} - TOTAAL"
        tech, rest = [0, 0], [0, 0]  # known sum, suppressed cells
        for row in rows:
            if row["ONDERWIJSTYPE VO"] != "VMBO" or not keep(row):
                continue
            bucket = tech if "techniek" in row["OPLEIDINGSNAAM"] else rest
            if row[column] == "<5":
                bucket[1] += 1
            else:
                bucket[0] += int(row[column])
        t = {name: tech[0] + w * tech[1] for name, w in (("low", 1), ("point", 2.5), ("high", 4))}
        r = {name: rest[0] + w * rest[1] for name, w in (("low", 1), ("point", 2.5), ("high", 4))}
        out[year] = {
            "count": t["point"],
            "count_low": t["low"],
            "count_high": t["high"],
            "share": t["point"] / (t["point"] + r["point"]),
            "share_low": t["low"] / (t["low"] + r["high"]),
            "share_high": t["high"] / (t["high"] + r["low"]),
        }
    return out


@pytest.fixture(scope="module")
def csv_rows() -> list[dict]:
    with SHIPPED.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.setenv("TECHNIEKPACT_DB", f"sqlite:///{tmp_path / 'open.db'}")
    monkeypatch.setenv("TECHNIEKPACT_DEMO", "0")
    return tmp_path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _kpis(capsys, *extra: str) -> dict[tuple[str, int], dict]:
    code, out, _ = run(capsys, "kpis", "--format", "json", *extra)
    assert code == 0
    return {(r["id"], r["year"]): r for r in json.loads(out) if r["source"] == "duo"}


def test_national_file_gives_both_kpis_for_the_region_and_the_netherlands(db, capsys, csv_rows):
    code, out, _ = run(capsys, "open-data", "duo-examens", str(SHIPPED), "--by", "test")
    assert code == 0 and "geladen als open data" in out
    found = _kpis(capsys)
    in_region = _independent(csv_rows, lambda r: r["GEMEENTENAAM"] in MUNICIPALITIES or r["VESTIGINGSCODE"] in WEESP)
    national = _independent(csv_rows, lambda r: True)
    assert sorted({year for _, year in found}) == list(YEARS)
    for year in YEARS:
        count, share = found["vmbo_examen_techniek", year], found["vmbo_examen_techniek_aandeel", year]
        region_now, nl = in_region[year], national[year]
        assert (count["value"], count["low"], count["high"]) == (
            region_now["count"],
            region_now["count_low"],
            region_now["count_high"],
        )
        assert (count["nl_value"], count["nl_low"], count["nl_high"]) == (
            nl["count"],
            nl["count_low"],
            nl["count_high"],
        )
        assert share["value"] == pytest.approx(region_now["share"])
        assert (share["low"], share["high"]) == pytest.approx((region_now["share_low"], region_now["share_high"]))
        assert share["nl_value"] == pytest.approx(nl["share"])
        assert (share["nl_low"], share["nl_high"]) == pytest.approx((nl["share_low"], nl["share_high"]))
        assert share["low"] < share["value"] < share["high"] and share["exact"] is False  # DUO's <5 makes ranges
        assert share["status"] is None and share["target_value"] is None  # context: no target, no status
        assert share["source"] == count["source"] == "duo" and share["action_line"] == "Kiezen"
    without_weesp = _independent(csv_rows, lambda r: r["GEMEENTENAAM"] in MUNICIPALITIES)
    assert all(in_region[y]["count"] > without_weesp[y]["count"] for y in YEARS)  # Weesp's schools count


def test_same_file_twice_changes_nothing_and_each_load_is_in_history_and_audit(db, capsys):
    assert run(capsys, "open-data", "duo-examens", str(SHIPPED), "--by", "beheer")[0] == 0
    engine = engine_for()
    table = COUNT_TABLES["duo-examens"]

    def state():
        with engine.connect() as conn:
            rows = conn.execute(sa.select(sa.func.count(), sa.func.max(table.c.id)).select_from(table)).one()
        return tuple(rows), len(open_data_history(engine)), len(audit_entries(engine))

    before = state()
    code, out, _ = run(capsys, "open-data", "duo-examens", str(SHIPPED), "--by", "beheer")
    assert code == 0 and "ongewijzigd" in out and state() == before
    history = run(capsys, "history")[1]
    assert "open_data" in history and "a81a9e6aa6302af71f168d47c77557ef367937a3e002ec437ad78ea1c797a6fa" in history
    entry = next(e for e in audit_entries(engine) if e["action"] == "opendata.load")
    assert entry["actor"] == "beheer" and entry["new_value"]["rows"] == before[0][0]
    assert entry["new_value"]["years"] == list(YEARS)


def _copy_with(tmp_path: Path, name: str, edit) -> Path:
    text = SHIPPED.read_text(encoding="utf-8")
    path = tmp_path / name
    path.write_bytes(edit(text) if callable(edit) else edit)
    return path


BAD_FILES = [  # (name, what to do to the shipped text, words the message must hold)
    ("latin1.csv", lambda t: t.replace("Kottenpark", "Kött").encode("latin-1", "replace") + b"\xff", "UTF-8"),
    ("no_location.csv", lambda t: t.replace('"VESTIGINGSCODE"', '"LOCATIE"', 1).encode(), "kolom 'VESTIGINGSCODE'"),
    ("bad_count.csv", lambda t: t.replace('"<5";"<5";"100";"6"', '"<5";"<5";"100";"zes"', 1).encode(), "regel 2"),
    ("bad_code.csv", lambda t: t.replace('"00AH00"', '"0AH-00"', 1).encode(), "gevonden '0AH-00'"),
    ("extract.csv", lambda t: "\r\n".join(t.splitlines()[:40]).encode(), "uitsnede"),
    ("empty.csv", b"", "geen gegevensregels"),
]


@pytest.mark.parametrize(("name", "edit", "words"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_an_unusable_file_is_refused_and_nothing_changes(db, capsys, tmp_path, name, edit, words):
    assert run(capsys, "open-data", "duo-examens", str(SHIPPED))[0] == 0
    before = _kpis(capsys)
    code, _, err = run(capsys, "open-data", "duo-examens", str(_copy_with(tmp_path, name, edit)))
    assert code == 1 and words in err and "niets opgeslagen" in err and name in err
    assert _kpis(capsys) == before and len(open_data_history(engine_for())) == 1


def test_a_newer_file_takes_over_its_years_and_the_older_stays_in_history(db, capsys, tmp_path):
    assert run(capsys, "open-data", "duo-examens", str(SHIPPED))[0] == 0
    before = _kpis(capsys)["vmbo_examen_techniek", 2023]["nl_value"]
    column = "EXAMENKANDIDATEN SCHOOLJAAR 2023-2024 - TOTAAL"
    frame = pd.read_csv(SHIPPED, sep=";", dtype=str, keep_default_na=False)
    first_techniek = frame.index[frame["OPLEIDINGSNAAM"].str.contains("techniek") & (frame[column] == "20")][0]
    frame.loc[first_techniek, column] = "120"  # a corrected figure in DUO's next edition
    newer = tmp_path / "duo_examen_2025.csv"
    frame.to_csv(newer, sep=";", index=False, quoting=csv.QUOTE_ALL)
    assert run(capsys, "open-data", "duo-examens", str(newer))[0] == 0
    assert _kpis(capsys)["vmbo_examen_techniek", 2023]["nl_value"] == before + 100
    assert list(open_data_history(engine_for())["status"]) == ["actief", "vervangen"]


def test_changing_the_region_changes_the_kpis_and_is_audited(db, capsys):
    assert run(capsys, "open-data", "duo-examens", str(SHIPPED))[0] == 0
    before = _kpis(capsys)
    assert run(capsys, "regio", "remove", "--gemeente", "hilversum", "--by", "beheer")[0] == 0
    smaller = _kpis(capsys)
    assert smaller["vmbo_examen_techniek", 2023]["value"] < before["vmbo_examen_techniek", 2023]["value"]
    assert smaller["vmbo_examen_techniek", 2023]["nl_value"] == before["vmbo_examen_techniek", 2023]["nl_value"]
    assert "HILVERSUM" not in run(capsys, "regio", "list")[1]
    assert run(capsys, "regio", "add", "--gemeente", "Hilversum", "--by", "beheer")[0] == 0
    assert _kpis(capsys) == before
    actions = [(e["action"], e["subject"]) for e in audit_entries(engine_for())][:2]
    assert actions == [("region.add", "gemeente:HILVERSUM"), ("region.remove", "gemeente:HILVERSUM")]


REGIO_CASES = [  # argv, exit status, words in the output
    (["regio", "add", "24TG04"], 0, "hoorde al bij de regio"),
    (["regio", "add", "14SM9"], 1, "geen vestigingscode"),
    (["regio", "remove", "99ZZ99"], 1, "hoort niet bij de regio"),
    (["regio", "add", "--gemeente", "Eemnes"], 0, "EEMNES hoort nu bij de regio"),
]


@pytest.mark.parametrize(("argv", "status", "words"), REGIO_CASES)
def test_regio_commands(db, capsys, argv, status, words):
    code, out, err = run(capsys, *argv)
    assert code == status and words in out + err


def test_the_default_region_names_weesp_by_location(tmp_path):
    engine = engine_for(f"sqlite:///{tmp_path / 'r.db'}")
    assert region(engine) == Region(frozenset(MUNICIPALITIES), frozenset(WEESP))
    add_member(engine, "vestiging", "14sm05", "test")
    assert "14SM05" in region(engine).locations


def test_a_school_filter_shows_its_own_share_beside_region_and_country(db, capsys, csv_rows):
    assert run(capsys, "open-data", "duo-examens", str(SHIPPED))[0] == 0
    found = _kpis(capsys, "--school", "24TG")  # the institution: both Weesp locations
    own = _independent(csv_rows, lambda r: r["VESTIGINGSCODE"].startswith("24TG"))
    national = _independent(csv_rows, lambda r: True)
    for year in YEARS:
        share = found["vmbo_examen_techniek_aandeel", year]
        assert share["value"] == pytest.approx(own[year]["share"])
        assert share["nl_value"] == pytest.approx(national[year]["share"])
    engine = engine_for()
    results = all_kpi_values(facts_from_frames({}), open_data_facts(engine), {}, Filters(schools=("14SM05",)))
    row = results[(results["id"] == "vmbo_examen_techniek_aandeel") & (results["year"] == 2023)].iloc[0]
    region_2023 = _independent(csv_rows, lambda r: r["GEMEENTENAAM"] in MUNICIPALITIES or r["VESTIGINGSCODE"] in WEESP)
    assert row["region_value"] == pytest.approx(region_2023[2023]["share"])
    assert row["ratio"] == pytest.approx(row["value"] / row["nl_value"])


def test_routes_and_programs_do_not_apply_to_open_data(db, capsys):
    assert run(capsys, "open-data", "duo-examens", str(SHIPPED))[0] == 0
    found = _kpis(capsys, "--route", "Vakmanschapsroute")
    assert all(r["value"] is None for r in found.values())


def _exam_frame(rows: list[tuple]) -> pd.DataFrame:
    """Stored rows: (location, municipality, sector, year, candidates or '<5')."""
    return pd.DataFrame(
        {
            "vestiging": [r[0] for r in rows],
            "gemeente": [r[1] for r in rows],
            "onderwijstype": "VMBO",
            "sector": [r[2] for r in rows],
            "niveau": "VMBO-KB",
            "naam": "x",
            "jaar": [r[3] for r in rows],
            "kandidaten": pd.array([None if r[4] == "<5" else r[4] for r in rows], dtype="Int64"),
            "kandidaten_onderdrukt": [r[4] == "<5" for r in rows],
        }
    )


SERIES_CASES = [  # rows, (value, low, high) of the share in 2020
    ([("11AA00", "HUIZEN", "techniek", 2020, 10), ("11AA00", "HUIZEN", "economie", 2020, 30)], (0.25, 0.25, 0.25)),
    (
        [("11AA00", "HUIZEN", "techniek", 2020, "<5"), ("11AA00", "HUIZEN", "economie", 2020, 10)],
        (2.5 / 12.5, 1 / 11, 4 / 14),
    ),
    ([("11AA00", "HUIZEN", "economie", 2020, 10)], (0.0, 0.0, 0.0)),
]


@pytest.mark.parametrize(("rows", "expected"), SERIES_CASES)
def test_share_ranges_on_tiny_frames(rows, expected):
    series = open_data_series(_exam_frame(rows), REGISTRY["vmbo_examen_techniek_aandeel"])
    assert tuple(series.loc[2020, ["value", "low", "high"]]) == pytest.approx(expected)


def test_school_mask_takes_locations_and_institutions():
    frame = _exam_frame(
        [
            ("24TG00", "AMSTERDAM", "techniek", 2020, 5),
            ("24TG04", "AMSTERDAM", "techniek", 2020, 5),
            ("14SM05", "LAREN", "techniek", 2020, 5),
        ]
    )
    assert school_mask(frame, ("24TG",)).tolist() == [True, True, False]
    assert school_mask(frame, ("14sm05",)).tolist() == [False, False, True]


def test_a_masked_value_takes_its_ratio_and_comparisons_along():
    rows = [
        ("11AA00", "HUIZEN", "techniek", 2020, "<5"),
        ("11AA00", "HUIZEN", "economie", 2020, 3),
        ("22BB00", "UTRECHT", "techniek", 2020, 40),
        ("22BB00", "UTRECHT", "economie", 2020, 160),
    ]
    data = OpenData({"duo-examens": _exam_frame(rows)}, Region(frozenset({"HUIZEN"}), frozenset()))
    kpis = [REGISTRY["vmbo_examen_techniek_aandeel"]]
    admin = open_data_values(data, {}, kpis=kpis).iloc[0]
    assert admin["value"] == pytest.approx(2.5 / 5.5) and admin["ratio"] == pytest.approx((2.5 / 5.5) / (42.5 / 205.5))
    viewer = open_data_values(data, {}, kpis=kpis, role="viewer").iloc[0]
    assert viewer["masked"] == "verborgen" and pd.isna(viewer["value"]) and pd.isna(viewer["ratio"])
    assert pd.isna(viewer["low"]) and pd.isna(viewer["numerator"])


@pytest.mark.parametrize(
    ("cell", "parsed"), [("12", (12, False)), ("<5", (None, True)), ("0", (0, False)), ("1.5", None), ("", None)]
)
def test_duo_count_cells(cell, parsed):
    assert parse_count(cell) == parsed


def test_year_columns_are_read_from_the_header():
    header = [
        "VESTIGINGSCODE",
        "EXAMENKANDIDATEN SCHOOLJAAR 2019-2020 - TOTAAL",
        "EXAMENKANDIDATEN SCHOOLJAAR 2019-2020 - MAN",
        "GESLAAGDEN SCHOOLJAAR 2020-2021 - TOTAAL",
        "EXAMENKANDIDATEN SCHOOLJAAR 2020-2022 - TOTAAL",
    ]
    assert year_columns(header, "EXAMENKANDIDATEN") == {2019: 1}
    assert year_columns(header, "GESLAAGDEN") == {2020: 3}


def test_a_huge_file_is_refused_before_reading(monkeypatch):
    monkeypatch.setattr("kpi.sources.duo.base.MAX_BYTES", 10)
    with pytest.raises(DuoFileError) as refused:
        read_duo_file(b"x" * 11, "big.csv")
    assert refused.value.problems[0].code == "too_large"


@pytest.mark.parametrize(
    ("kpi_id", "lines"),
    [("vmbo_examen_techniek_aandeel", ["Regio", "Nederland"]), ("vmbo_keuze_techniek", ["Gemeten"])],
)
def test_the_pack_and_the_presentation_chart_open_data_against_the_netherlands(db, capsys, kpi_id, lines):
    """An open-data KPI's page in the pack and on the presentation has the same chart as on its action line."""
    assert run(capsys, "open-data", "duo-examens", str(SHIPPED))[0] == 0
    results = all_kpi_values(facts_from_frames({}), open_data_facts(engine_for()), {})
    figure = kpi_figure(results[results["id"] == kpi_id], "nl", 2019)
    assert [t.name for t in figure.data if t.name in ("Regio", "Nederland", "Gemeten")] == lines


def test_the_chart_shows_region_and_netherlands_with_bands_and_names_duo(db, capsys):
    assert run(capsys, "open-data", "duo-examens", str(SHIPPED))[0] == 0
    data: OpenData = open_data_facts(engine_for())
    results = all_kpi_values(facts_from_frames({}), data, {})
    rows = results[results["id"] == "vmbo_examen_techniek_aandeel"]
    figure = benchmark_chart(rows, "nl")
    names = [trace.name for trace in figure.data]
    assert names == [
        "",
        "Regio: bereik door &lt;5",
        "Regio",
        "",
        "Nederland: bereik door &lt;5",
        "Nederland",
    ]  # plotly shows <5
    assert [trace.fill for trace in figure.data if trace.fill] == ["tonexty", "tonexty"]
    assert "DUO" in figure.layout.xaxis.title.text  # under the school years, moving down with them
    assert list(figure.layout.xaxis.ticktext) == ["2019-2020", "2020-2021", "2021-2022", "2022-2023", "2023-2024"]
    count = benchmark_chart(results[results["id"] == "vmbo_examen_techniek"], "en")
    assert count.data[-1].yaxis == "y2" and "Netherlands" in count.data[-1].name  # counts: NL on its own axis


def test_migration_0007_adds_the_open_data_tables_and_seeds_the_region(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = engine_for(url)
    with engine.begin() as conn:  # back to a database of revision 0006
        for table in ("duo_exam_counts", "open_data_loads", "region_members"):
            conn.execute(sa.text(f"DROP TABLE {table}"))
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0006'"))
    engine.dispose()
    upgraded = engine_for(url)
    assert region(upgraded) == Region(frozenset(MUNICIPALITIES), frozenset(WEESP))
    assert load_file(upgraded, "duo-examens", SHIPPED.read_bytes(), SHIPPED.name, "test").rows > 50_000
