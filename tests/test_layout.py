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
LEAVES = ("codes.py", "catalogue.py", "paths.py")


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
