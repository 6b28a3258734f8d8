"""AppTest of what a chair reads aloud: Overzicht's words, Presentatie's steps, Doelen en definities in words."""

from __future__ import annotations

import re

import pytest

from kpi.metrics.registry import KPIS
from tests.test_pages import _app, _visit, app_env  # noqa: F401 (app_env is a fixture)


def equal_ends(text: str) -> list[str]:
    """Every "tussen X en X" in the text: a range whose ends read the same."""
    return [a for a, b in re.findall(r"tussen (\S+) en (\S+)", text) if a == b.rstrip(",.")]


def test_equal_ends_finds_what_it_guards_against():
    assert equal_ends("de waarde ligt tussen 83 en 83, te onzeker") == ["83"]
    assert equal_ends("tussen 8,2% en 14,3%. En tussen 8 en 8,5%") == []


def _captions(app) -> list[str]:
    return [c.value for c in app.caption]


@pytest.mark.parametrize("year", [2014, 2015, 2016, 2019])
def test_overview_words_a_chair_can_read(app_env, year):  # noqa: F811
    app = _app().run()
    app.selectbox(key="jaar").set_value(year).run()
    assert not app.exception
    captions = _captions(app)
    text = " ".join(captions)
    assert not equal_ends(text), text  # never "tussen 83 en 83"
    assert not re.search(r"Doel \d{4}[:)]", text)  # a target year is a school year
    assert re.search(r"Doel \d{4}-\d{4}: ", text)
    assert f"Schooljaar {year}-{year + 1}, beoordeeld tegen het doel voor schooljaar 2016-2017" in text
    assert not re.search(r"\b1 regels\b", text)
    assert all(len(m.value) <= 9 for m in app.metric), [m.value for m in app.metric]  # a card's value fits


def test_baseline_uncertainty_is_named_as_such(app_env):  # noqa: F811
    app = _app().run()
    app.selectbox(key="jaar").set_value(2015).run()
    text = " ".join(_captions(app))
    assert "kleine aantallen (<5) in het basisjaar 2014-2015 maken de vergelijking te onzeker" in text


def test_overview_opens_on_the_latest_year_with_data(app_env):  # noqa: F811
    app = _app().run()
    assert app.selectbox(key="jaar").value == 2019
    assert app.selectbox(key="jaar").format_func(2019) == "2019-2020"


def test_more_than_baseline_targets_show_partial_progress(app_env):  # noqa: F811
    app = _app().run()
    values = [p.proto.value for p in app.get("progress")]
    assert any(0 < v < 100 for v in values), values  # no longer only empty or full


def test_presentation_steps_and_keeps_the_slide_in_the_url(app_env):  # noqa: F811
    app = _app().run()
    _visit(app, "pages/presentatie.py")
    assert f"1 van {len(KPIS) + 2}" in " ".join(m.value for m in app.markdown)  # overview, KPIs, actions
    assert app.button(key="present_previous").disabled
    app.button(key="present_next").click().run()
    assert app.query_params["dia"] == "2"  # the URL counts as the screen: slide 2
    text = " ".join(m.value for m in app.markdown)
    assert KPIS[0].label("nl") in text and "tp-present-value" in text
    app.button(key="present_previous").click().run()
    assert app.query_params["dia"] == "1"


def test_presentation_opens_on_the_slide_of_the_link(app_env):  # noqa: F811
    app = _app()
    app.query_params["dia"] = str(len(KPIS) + 1)
    app.run()
    _visit(app, "pages/presentatie.py")
    text = " ".join(m.value for m in app.markdown)
    assert KPIS[-1].label("nl") in text and f"{len(KPIS) + 1} van {len(KPIS) + 2}" in text
    assert not app.button(key="present_next").disabled


def test_presentation_ends_on_the_plans_actions(app_env):  # noqa: F811
    from kpi.delivery.storage import engine_for
    from kpi.settings.actions import set_action_status

    set_action_status(engine_for(), "pps-ict", "vertraagd", "Subsidie afgewezen", "voorzitter")
    app = _app()
    app.query_params["dia"] = str(len(KPIS) + 2)
    app.run()
    _visit(app, "pages/presentatie.py")
    text = " ".join(m.value for m in app.markdown)
    assert "Acties uit het actieplan" in text and "Publiek-private samenwerking ICT" in text
    assert ">vertraagd</span>" in text and "Subsidie afgewezen" in text
    assert app.button(key="present_next").disabled


def test_targets_page_in_words(app_env):  # noqa: F811
    app = _app().run()
    _visit(app, "pages/doelen.py")
    assert not app.dataframe  # the long lists wait in closed expanders: the definitions show at once
    app.query_params["techniek"] = "true"  # the list of what counts, opened (a link to it keeps it open)
    _visit(app, "pages/doelen.py")
    table = next(d.value for d in app.table if "Definitie" in d.value.columns)  # static: read in full
    assert "id" not in table.columns
    cells = " ".join(str(v) for v in table.to_numpy().ravel())
    for raw in ("growth", "at_least", "increase", "targets.csv", "wt_beleid", "naar_opleiding", "0.1 ("):
        assert raw not in cells, raw
    assert "groei van 10% t.o.v. 2014-2015, in 2016-2017" in cells
    reference = next(d.value for d in app.dataframe if "Techniek/ICT" in d.value.columns)
    assert set(reference["Techniek/ICT"]) <= {"ja", "nee"}


def test_english_mode_translates_responsible_parties(app_env):  # noqa: F811
    app = _app().run()
    app.segmented_control(key="lang").set_value("EN").run()
    _visit(app, "pages/kiezen.py")
    text = " ".join(m.value for m in app.markdown)
    assert "Secondary schools" in text and "VO-scholen" not in text


def test_open_data_kpis_read_geen_doel_in_the_presentation_as_on_the_overview(app_env):  # noqa: F811
    """The plan sets no target for DUO's context KPIs: the same words on every page, not "geen oordeel"."""
    duo = [k for k in KPIS if k.source == "duo"]
    app = _app()
    app.query_params["jaar"] = "2019-2020"
    app.query_params["dia"] = str(KPIS.index(duo[0]) + 2)
    app.run()
    _visit(app, "pages/presentatie.py")
    text = " ".join(m.value for m in app.markdown)
    assert duo[0].label("nl") in text and ">geen doel</span>" in text and "geen oordeel" not in text
    overview = _visit(_app().run(), "pages/overzicht.py")
    cards = " ".join(m.value for m in overview.markdown if "tp-badge" in m.value)
    assert ">geen doel</span>" in cards


def test_unclassified_programs_have_headers_in_the_chosen_language(app_env):  # noqa: F811
    app = _app().run()
    app.segmented_control(key="lang").set_value("EN").run()
    app = _visit(app, "pages/doelen.py")
    assert "Programs not yet classified: 1" in [e.label for e in app.expander]
    app.query_params["onbekend"] = "true"
    app = _visit(app, "pages/doelen.py")
    unknown = next(d.value for d in app.dataframe if "Program" in d.value.columns)
    assert list(unknown.columns) == ["Program", "Rows", "Schools"] and len(unknown) > 0
