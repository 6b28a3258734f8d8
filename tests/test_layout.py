"""The folder tree is the flow: a stage imports only stages before it, and kpi/ never imports the UI."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

KPI = Path(__file__).resolve().parent.parent / "kpi"
LATER = {  # stage -> stages it must never import (they come after it in the flow)
    "delivery": {"metrics", "views", "sources", "cli"},
    "metrics": {"views", "sources", "cli"},
    "views": {"sources", "cli"},
    "sources": {"views", "cli"},
    "settings": {"views", "sources", "cli"},
}
LEAVES = ("codes.py", "catalogue.py", "paths.py", "clock.py")


def _imports(path: Path) -> set[str]:
    """Every module a file imports, inside functions too."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("stage", sorted(LATER))
def test_a_stage_imports_no_later_stage(stage):
    wrong = {
        f"{path.relative_to(KPI)} imports {module}"
        for path in (KPI / stage).rglob("*.py")
        for module in _imports(path)
        if module.split(".")[:2] in (["kpi", later] for later in LATER[stage])
    }
    assert not wrong, sorted(wrong)


def test_kpi_never_imports_streamlit_or_the_ui():
    wrong = {
        f"{path.relative_to(KPI)} imports {module}"
        for path in KPI.rglob("*.py")
        for module in _imports(path)
        if module.split(".")[0] in ("streamlit", "ui")
    }
    assert not wrong, sorted(wrong)


@pytest.mark.parametrize("leaf", LEAVES)
def test_the_leaves_import_nothing_of_kpi(leaf):
    assert not {m for m in _imports(KPI / leaf) if m.split(".")[0] == "kpi"}


def test_every_page_runs_inside_the_frame():
    """A page started on its own (a deep link on a fresh server) must hand over to the frame first."""
    pages = sorted((KPI.parent / "pages").glob("*.py"))
    assert len(pages) >= 10
    bare = [p.name for p in pages if "\nrequire_frame()\n" not in p.read_text(encoding="utf-8")]
    assert bare == []


WIDGETS = {
    "button",
    "checkbox",
    "data_editor",
    "date_input",
    "download_button",
    "file_uploader",
    "form_submit_button",
    "multiselect",
    "number_input",
    "pills",
    "radio",
    "segmented_control",
    "select_slider",
    "selectbox",
    "slider",
    "text_area",
    "text_input",
    "time_input",
    "toggle",
}
"""Streamlit calls that make a widget with state: each needs a stable key (tests and the URL address it by that)."""


def _unkeyed_widgets(source: str) -> list[tuple[int, str]]:
    calls = (n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute))
    return [
        (c.lineno, c.func.attr) for c in calls if c.func.attr in WIDGETS and all(k.arg != "key" for k in c.keywords)
    ]


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ('st.button("Opslaan", key="save")', []),
        ('st.form_submit_button(t("login"))', [(1, "form_submit_button")]),
        ('col.selectbox("Jaar", years)', [(1, "selectbox")]),
        ('st.title("Geen widget")', []),
    ],
)
def test_unkeyed_widgets_are_found(source, found):
    assert _unkeyed_widgets(source) == found


def test_every_widget_has_a_stable_key():
    files = [
        KPI.parent / "dashboard.py",
        *sorted((KPI.parent / "pages").glob("*.py")),
        *(KPI.parent / "ui").glob("*.py"),
    ]
    unkeyed = {f"{path.name}:{line} {name}" for path in files for line, name in _unkeyed_widgets(path.read_text())}
    assert not unkeyed, sorted(unkeyed)
