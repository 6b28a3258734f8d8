"""Safe output: no download carries a live formula, no label becomes markup, no terminal code reaches a terminal."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pandas as pd
import pytest

from kpi.__main__ import main
from kpi.views.charts import explorer_chart, sankey
from kpi.views.explorer import Selection, protected_pivot
from kpi.views.export import csv_bytes, xlsx_bytes
from kpi.views.safety import FORMULA_STARTS, formula_like, markdown_text, neutralised, printable
from tests.conftest import HEADER
from tests.test_kpis import facts_of, leerling

PAYLOADS = ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "+1", "-1", "@SUM(A1)", "\t=1"]
LINK = '<a href="http://x">klik</a>'


def live(value: object) -> bool:
    """Whether a spreadsheet would run this text: it starts with a formula character (after spaces)."""
    return isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_STARTS)


@pytest.fixture
def explorer_download():
    """The Verkenner's table split by a program named after each payload, as its download buttons get it."""
    facts = facts_of(leerlingen=[leerling(2015, "instroom", 10 + i, program=p) for i, p in enumerate(PAYLOADS)])
    pivot = protected_pivot(facts, Selection(indicators=("instroom",)), "opleiding", "viewer")
    assert set(pivot.columns) == set(PAYLOADS)  # the payloads really are the headers
    return pivot.reset_index()


def test_verkenner_excel_download_has_no_live_formula(explorer_download):
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"verkenner": explorer_download})))
    cells = [c for row in book["verkenner"].iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f" or live(c.value)]
    assert {f"'{p}" for p in PAYLOADS} <= {c.value for c in cells}  # shown as text, not lost


def test_verkenner_csv_headers_and_cells_have_no_live_formula(explorer_download):
    rows = list(csv.reader(io.StringIO(csv_bytes(explorer_download).decode("utf-8-sig")), delimiter=";"))
    assert not [cell for row in rows for cell in row if live(cell)]
    assert {f"'{p}" for p in PAYLOADS} <= set(rows[0])


def test_neutralised_covers_index_names_multiindex_levels_and_every_text_cell():
    frame = pd.DataFrame(
        {("=a", "+b"): ["@x", " =y"], ("c", "-d"): [1, -2]}, index=pd.Index(["=i", "ok"], name="=naam")
    )
    frame.columns.names = ["=niveau", None]
    safe = neutralised(frame)
    labels = [*safe.columns.get_level_values(0), *safe.columns.get_level_values(1), *safe.index, safe.index.name]
    assert not [x for x in [*labels, *safe.columns.names, *safe.iloc[:, 0]] if live(x)]
    assert safe.iloc[:, 1].tolist() == [1, -2]  # numbers stay numbers
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"s": frame.reset_index()})))
    assert not [c for row in book["s"].iter_rows() for c in row if c.data_type == "f" or live(c.value)]


def test_formula_detection_is_one_rule_for_uploads_and_downloads():
    text = pd.Series(["=1", "  +1", "\t=1", "＝1", "gewoon", None, "1-2"])
    assert formula_like(text).tolist() == [True, True, True, True, False, False, False]


def test_chart_labels_are_escaped_so_a_name_never_becomes_a_link():
    pivot = pd.DataFrame({LINK: [3.0, 7.0]}, index=pd.Index([2015, 2016], name="schooljaar"))
    legend = explorer_chart(pivot).data[0].name
    assert "<a" not in legend and legend == '&lt;a href="http://x"&gt;klik&lt;/a&gt;'
    flows = pd.DataFrame({"van": [LINK], "naar": ["MBO-4"], "aantal": [12.0], "exact": [True], "plan": [False]})
    assert all("<" not in label for label in sankey(flows).data[0].node.label)


def test_markdown_text_shows_links_and_markup_as_text():
    escaped = markdown_text(f"[klik](http://x) {LINK} **vet**")
    assert "<a" not in escaped and "\\[klik\\]\\(http" in escaped and "\\*\\*vet" in escaped


def test_printable_removes_terminal_codes_and_control_characters():
    text = "rood \x1b[31mR\x1b[0m titel\x1b]0;pwned\x07 wis\x1b[2J nul\x00 bel\x07 om\u202ekeer\nvolgende\tregel"
    assert printable(text) == "rood R titel wis nul bel omkeer\nvolgende\tregel"


# -- the command line ---------------------------------------------------------------------------------------------


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.setenv("TECHNIEKPACT_DB", f"sqlite:///{tmp_path / 'cli.db'}")
    return tmp_path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def deliver(db, capsys, rows: list[str]) -> None:
    delivery = db / "levering.csv"
    delivery.write_text(";".join(HEADER) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    code, out, err = run(capsys, "import", str(delivery))
    assert code == 0, out + err


def test_cli_output_carries_no_terminal_codes_from_a_file(db, capsys):
    delivery = db / "levering.csv"
    delivery.write_text(
        ";".join(HEADER) + "\n2016;14SM05;School\x1b[2J\x1b]0;pwned\x07;VMBO-KB;3;PIE\x1b[31m;onbekend\x1b[5m;5\n",
        encoding="utf-8",
    )
    _, out, err = run(capsys, "import", str(delivery))
    assert "\x1b" not in out + err and "\x07" not in out + err
    assert "onbekend" in out + err  # the problem is still named


SMALL_SCHOOL = [  # 14SM05: counts 1 to 4 in the baseline year and the year after; 03FO01 keeps the region large
    "2014;14SM05;De Brink;MBO-2;;PIE;instroom;3",
    "2015;14SM05;De Brink;MBO-2;;PIE;instroom;4",
    "2014;14SM05;De Brink;VMBO-KB;3;PIE;instroom;2",
    "2014;14SM05;De Brink;VMBO-KB;3;D&P;instroom;1",
    "2015;14SM05;De Brink;VMBO-KB;3;PIE;instroom;1",
    "2015;14SM05;De Brink;VMBO-KB;3;D&P;instroom;2",
]


def count_fields(elements: list[dict]) -> list[tuple[str, int, str, float]]:
    """Every number from 1 to 4 in a count's fields (years, and a target the steering group set, excepted)."""
    found = []
    for e in elements:
        for key, value in e.items():
            if key.endswith("year") or isinstance(value, bool) or not isinstance(value, (int, float)):
                continue
            if e["unit"] == "share" and key not in ("numerator", "denominator"):
                continue
            if key == "target_value" and e["rule"] in ("at_least", "at_most"):
                continue
            if 0 < value < 5:
                found.append((e["id"], e["year"], key, value))
    return found


def test_kpis_role_viewer_shows_no_small_count_that_admin_sees(db, capsys):
    deliver(db, capsys, SMALL_SCHOOL)
    args = ("kpis", "--school", "14SM05", "--format", "json")
    admin = json.loads(run(capsys, *args)[1])
    assert count_fields(admin)  # the admin sees the counts of 1 to 4 (and the baseline of 3 as a target)
    assert any(e["id"] == "vmbo_keuze_techniek_aandeel" and e["value"] is not None for e in admin)
    for role in ("viewer", "stuurgroep", "school"):
        code, out, _ = run(capsys, *args, "--role", role)
        shown = json.loads(out)
        assert code == 0 and not count_fields(shown), role
        assert all(e["value"] is None for e in shown if e["id"] == "vmbo_keuze_techniek_aandeel")  # 2 of 3, 1 of 3
    table = run(capsys, "kpis", "--school", "14SM05", "--role", "viewer")[1]
    assert "<5" in table and "verborgen" in table
    csv_text = run(capsys, "kpis", "--school", "14SM05", "--role", "viewer", "--format", "csv")[1]
    rows = list(csv.DictReader(io.StringIO(csv_text), delimiter=";"))
    assert not count_fields([{k: _number(v) for k, v in r.items()} for r in rows])
    assert (
        run(capsys, "kpis", "--school", "14SM05", "--role", "analyst", "--format", "json")[1]
        == json.dumps(admin, ensure_ascii=False, indent=1) + "\n"
    )


def _number(text: str) -> object:
    try:
        return float(text)
    except ValueError:
        return text
