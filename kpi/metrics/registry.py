"""Every KPI of the action plan as a small definition: what it counts, in words and as data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from kpi.catalogue import word

Unit = Literal["count", "share"]
Source = Literal["leveringen", "duo"]
"""Where a KPI's facts come from: the schools' deliveries, or DUO's open data (region and the Netherlands)."""
ACTION_LINES = ("Kiezen", "Leren", "Werken", "Context")
"""The plan's action lines (and the labour-market context), in the order the pages show them (`action_line.<code>`)."""
VMBO_BKG = ("VMBO-BB", "VMBO-KB", "VMBO-GL")
MBO = ("MBO-1", "MBO-2", "MBO-3", "MBO-4")
HBO = ("HBO-AD", "HBO-BA")
MBO4_HBO_PROGRAMS = ("ICT-beheer", "Engineering")


@dataclass(frozen=True)
class Measure:
    """Which facts a number adds up: rows of `sheet` matching `where`, summing `value` (or counting rows)."""

    sheet: str
    where: dict[str, tuple[object, ...]] = field(default_factory=dict)
    techniek: str | None = None
    """A techniek flag column (`techniek`, `naar_techniek`) that must be true for the row to count."""
    value: str | None = "aantal"


@dataclass(frozen=True)
class Kpi:
    id: str
    action_line: str
    unit: Unit
    numerator: Measure
    denominator: Measure | None = None
    subset: bool = False
    """The numerator's rows are part of the denominator's: bounds of a range can then be tighter."""
    plan: str = ""
    """What the action plan says, in its own words."""
    source: Source = "leveringen"

    @property
    def population(self) -> Measure:
        """The rows whose presence means there is data for a year."""
        if self.denominator is not None:
            return self.denominator
        return Measure(self.numerator.sheet, self.numerator.where, None, self.numerator.value)

    @property
    def per_school(self) -> bool:
        return self.source == "leveringen" and self.numerator.sheet == "leerlingen"

    def label(self, language: str = "nl") -> str:
        """The KPI's name, from the catalogue (`kpi.<id>.label`)."""
        return word(f"kpi.{self.id}.label", language)

    def definition(self, language: str = "nl") -> str:
        """What the KPI counts in words, from the catalogue (`kpi.<id>.definition`)."""
        return word(f"kpi.{self.id}.definition", language)

    def responsible_for(self, language: str = "nl") -> str:
        """Who carries this KPI, from the catalogue (`kpi.<id>.responsible`); names of schools stay as they are."""
        return word(f"kpi.{self.id}.responsible", language)


_VMBO_INSTROOM = {"indicator": ("instroom",), "onderwijssoort": VMBO_BKG, "leerjaar": (3,)}
_VAKMANSCHAP = {"route": ("Vakmanschapsroute",)}
_VMBO_EXAMS = {"onderwijstype": ("VMBO",)}
_VMBO_EXAMS_TECHNIEK = {**_VMBO_EXAMS, "sector": ("techniek",)}
_DUO_CLAIM = (
    "Belangstelling voor een opleiding en baan in metaal, elektra en installatie is in G&V de helft van de rest "
    "van Nederland"
)

KPIS: tuple[Kpi, ...] = (
    Kpi(
        "vmbo_keuze_techniek",
        "Kiezen",
        "count",
        Measure("leerlingen", _VMBO_INSTROOM, "techniek"),
        plan="10% meer leerlingen kiezen in 2016 voor een opleiding binnen techniek en ICT",
    ),
    Kpi(
        "vmbo_keuze_techniek_aandeel",
        "Kiezen",
        "share",
        Measure("leerlingen", _VMBO_INSTROOM, "techniek"),
        Measure("leerlingen", _VMBO_INSTROOM),
        subset=True,
        plan="Een beroepskeuzeprogramma dat VMBO-leerlingen helpt te kiezen voor techniek of ICT",
    ),
    Kpi(
        "po_wt_scholen",
        "Kiezen",
        "count",
        Measure("organisaties", {"soort": ("basisschool",), "wt_beleid": (True,)}, value=None),
        plan="Wetenschap en Technologie (W&T) is onderdeel van het beleid van zes basisscholen",
    ),
    Kpi(
        "vrienden_van_techniek",
        "Kiezen",
        "count",
        Measure("organisaties", {"soort": ("bedrijf",), "vrienden_van_techniek": (True,)}, value=None),
        plan="Dertig bedrijven verenigd in Vrienden van techniek bieden beroepskeuzeactiviteiten",
    ),
    Kpi(
        "vmbo_examen_techniek",
        "Kiezen",
        "count",
        Measure("duo-examens", _VMBO_EXAMS_TECHNIEK, value="kandidaten"),
        plan=_DUO_CLAIM,
        source="duo",
    ),
    Kpi(
        "vmbo_examen_techniek_aandeel",
        "Kiezen",
        "share",
        Measure("duo-examens", _VMBO_EXAMS_TECHNIEK, value="kandidaten"),
        Measure("duo-examens", _VMBO_EXAMS, value="kandidaten"),
        subset=True,
        plan=_DUO_CLAIM,
        source="duo",
    ),
    Kpi(
        "mavo_mbo4_techniek",
        "Leren",
        "count",
        Measure(
            "leerlingen",
            {"indicator": ("doorstroom",), "onderwijssoort": ("VMBO-TL",), "naar_onderwijssoort": ("MBO-4",)},
            "naar_techniek",
        ),
        plan="In 2016 10% meer uitstroom van MAVO in MBO4 opleidingen ICT en techniek",
    ),
    Kpi(
        "mbo4_hbo_doorstroom",
        "Leren",
        "share",
        Measure(
            "leerlingen",
            {
                "indicator": ("doorstroom",),
                "onderwijssoort": ("MBO-4",),
                "opleiding": MBO4_HBO_PROGRAMS,
                "naar_onderwijssoort": HBO,
            },
        ),
        Measure(
            "leerlingen", {"indicator": ("gediplomeerd",), "onderwijssoort": ("MBO-4",), "opleiding": MBO4_HBO_PROGRAMS}
        ),
        plan="In 2016 stroomt 80% van de MBO4 studenten ICT beheer en Engineering door naar het HBO",
    ),
    Kpi(
        "vakmanschapsroute_instroom",
        "Leren",
        "count",
        Measure("leerlingen", {"indicator": ("instroom",), **_VAKMANSCHAP}),
        plan="Meer instroom, minder uitval. Verkorting opleidingstijd.",
    ),
    Kpi(
        "vakmanschapsroute_uitval",
        "Leren",
        "share",
        Measure("leerlingen", {"indicator": ("uitval",), **_VAKMANSCHAP}),
        Measure("leerlingen", {"indicator": ("ingeschreven",), **_VAKMANSCHAP}),
        plan="Meer instroom, minder uitval",
    ),
    Kpi(
        "mbo_techniek_instroom",
        "Leren",
        "count",
        Measure("leerlingen", {"indicator": ("instroom",), "onderwijssoort": MBO}, "techniek"),
        plan="Herwaardering ambachtscultuur: meer instroom, meer publieke waardering en trots voor technisch vakmanschap",
    ),
    Kpi(
        "werkzoekenden_omscholing",
        "Werken",
        "count",
        Measure("werkenden", {"regeling": ("omscholing werkzoekenden",)}, value="gestart"),
        plan="Meer instroom van personeel in moeilijk vervulbare functies, meer werkzoekenden aan de slag",
    ),
    Kpi(
        "opscholing_werkenden",
        "Werken",
        "count",
        Measure("werkenden", {"regeling": ("opscholing werkenden",)}, value="gestart"),
        plan="MBO2 personeel opleiden naar MBO3 en MBO 4",
    ),
    Kpi(
        "dekking_vervangingsvraag",
        "Context",
        "share",
        Measure("arbeidsmarkt", value="instroom_schoolverlaters"),
        Measure("arbeidsmarkt", value="vervangingsvraag"),
        plan="De verwachte instroom van schoolverlaters is 50% van de vervangingsvraag",
    ),
)

REGISTRY: dict[str, Kpi] = {k.id: k for k in KPIS}
