"""Real DUO open data (exam candidates per school location, Gooi & Vechtstreek rows) through the adapter and the importer."""

from __future__ import annotations

import csv

from kpi.__main__ import main
from kpi.delivery.ingest import checked_file
from kpi.delivery.problem_list import report_lines
from kpi.sources.duo import duo_exam_rows, read_duo_exams
from tests.conftest import FIXTURES

SOURCE = FIXTURES / "duo_examen_gooi.csv"


def _independent_counts() -> tuple[int, int, int]:
    """Straight from the CSV: cells, `<5` cells and the sum of the exact cells of the TOTAAL passed columns."""
    with SOURCE.open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle, delimiter=";"))
    cells = [r[c] for r in records for c in r if c.startswith("GESLAAGDEN") and c.endswith("TOTAAL")]
    return len(cells), sum(c == "<5" for c in cells), sum(int(c) for c in cells if c != "<5")


def test_duo_exams_become_a_valid_delivery_with_suppressed_cells_kept(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TECHNIEKPACT_DB", f"sqlite:///{tmp_path / 'duo.db'}")
    out = tmp_path / "duo.xlsx"
    assert main(["duo-examens", str(SOURCE), str(out)]) == 0
    checked = checked_file(out.read_bytes(), out.name)
    assert checked.ok, report_lines(checked.problems)
    frame = checked.frames["leerlingen"]
    cells, suppressed, exact_sum = _independent_counts()
    assert len(frame) == cells
    assert int(frame["aantal_onderdrukt"].sum()) == suppressed > 0  # DUO's <5 kept as "1 to 4", never 0
    assert int(frame["aantal"].sum()) == exact_sum
    assert set(frame["schooljaar"]) == {2019, 2020, 2021, 2022, 2023}
    assert {"14SM05", "03FO01", "24TG04"} == set(frame["brin"])
    assert set(frame["onderwijssoort"]) <= {"VMBO-BB", "VMBO-KB", "VMBO-GL", "VMBO-TL"}
    assert main(["import", str(out), "--by", "DUO"]) == 0
    assert "gediplomeerd" not in capsys.readouterr().err


def test_municipality_filter():
    raw = read_duo_exams(SOURCE)
    assert set(duo_exam_rows(raw, ("LAREN",))["brin"]) == {"14SM05"}
