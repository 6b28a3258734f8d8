"""Every KPI of the action plan as a small definition: what it counts, in words and as data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Unit = Literal["count", "share"]
Source = Literal["leveringen", "duo"]
"""Where a KPI's facts come from: the schools' deliveries, or DUO's open data (region and the Netherlands)."""
ACTION_LINES = {
    "Kiezen": ("Kiezen voor techniek", "Choosing technology"),
    "Leren": ("Leren in techniek", "Learning in technology"),
    "Werken": ("Werken in techniek", "Working in technology"),
    "Context": ("Context: arbeidsmarkt", "Context: labour market"),
}
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
    label_nl: str
    label_en: str
    action_line: str
    definition_nl: str
    definition_en: str
    unit: Unit
    numerator: Measure
    denominator: Measure | None = None
    subset: bool = False
    """The numerator's rows are part of the denominator's: bounds of a range can then be tighter."""
    responsible: str = ""
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
        return self.label_nl if language == "nl" else self.label_en

    def definition(self, language: str = "nl") -> str:
        return self.definition_nl if language == "nl" else self.definition_en


_VMBO_INSTROOM = {"indicator": ("instroom",), "onderwijssoort": VMBO_BKG, "leerjaar": (3,)}
_VAKMANSCHAP = {"route": ("Vakmanschapsroute",)}
_VMBO_EXAMS = {"onderwijstype": ("VMBO",)}
_VMBO_EXAMS_TECHNIEK = {**_VMBO_EXAMS, "sector": ("techniek",)}

KPIS: tuple[Kpi, ...] = (
    Kpi(
        "vmbo_keuze_techniek", "VMBO-leerlingen die kiezen voor techniek/ICT", "VMBO pupils choosing technology/ICT",
        "Kiezen",
        "Instroom in leerjaar 3 van VMBO-BB, -KB en -GL in een techniek/ICT-profiel of -sector (volgens de referentietabel).",
        "Intake in year 3 of VMBO-BB, -KB and -GL into a technology/ICT profile or sector (per the reference table).",
        "count", Measure("leerlingen", _VMBO_INSTROOM, "techniek"),
        responsible="VO-scholen (Hilfertsheem-Beatrix, College De Brink, Casparus College, ...), MBO College Hilversum, Techniektalent.nu",
        plan="10% meer leerlingen kiezen in 2016 voor een opleiding binnen techniek en ICT",
    ),
    Kpi(
        "vmbo_keuze_techniek_aandeel", "Aandeel VMBO-leerlingen dat kiest voor techniek/ICT",
        "Share of VMBO pupils choosing technology/ICT", "Kiezen",
        "Instroom in techniek/ICT in leerjaar 3 (VMBO-BB/KB/GL) als deel van alle instroom in leerjaar 3 van die leerwegen.",
        "Technology/ICT intake in year 3 (VMBO-BB/KB/GL) as a share of all year-3 intake in those tracks.",
        "share", Measure("leerlingen", _VMBO_INSTROOM, "techniek"), Measure("leerlingen", _VMBO_INSTROOM), subset=True,
        responsible="VO-scholen met beroepsgericht VMBO",
        plan="Een beroepskeuzeprogramma dat VMBO-leerlingen helpt te kiezen voor techniek of ICT",
    ),
    Kpi(
        "po_wt_scholen", "Basisscholen met W&T in hun beleid", "Primary schools with science & technology policy",
        "Kiezen", "Aantal basisscholen in het register met wt_beleid = ja.",
        "Number of primary schools in the register with wt_beleid = yes.",
        "count", Measure("organisaties", {"soort": ("basisschool",), "wt_beleid": (True,)}, value=None),
        responsible="Basisscholen; Platform Bètatechniek en HBO ondersteunen",
        plan="Wetenschap en Technologie (W&T) is onderdeel van het beleid van zes basisscholen",
    ),
    Kpi(
        "vrienden_van_techniek", "Bedrijven in Vrienden van Techniek", "Companies in Friends of Technology",
        "Kiezen", "Aantal bedrijven in het register met vrienden_van_techniek = ja.",
        "Number of companies in the register with vrienden_van_techniek = yes.",
        "count", Measure("organisaties", {"soort": ("bedrijf",), "vrienden_van_techniek": (True,)}, value=None),
        responsible="Regionale bedrijven in metaal, automotive, installatie, bouw en ICT",
        plan="Dertig bedrijven verenigd in Vrienden van techniek bieden beroepskeuzeactiviteiten",
    ),
    Kpi(
        "vmbo_examen_techniek", "VMBO-examenkandidaten in de sector techniek", "VMBO exam candidates in the technology sector",
        "Kiezen",
        "Examenkandidaten VMBO (alle leerwegen: B, K, G, T en het leerwerktraject) in de sector techniek, volgens DUO's open data per vestiging; de regio tegenover heel Nederland.",
        "VMBO exam candidates (all tracks: B, K, G, T and the learning-work track) in the technology sector, from DUO's open data per school location; the region against the whole Netherlands.",
        "count", Measure("duo-examens", _VMBO_EXAMS_TECHNIEK, value="kandidaten"),
        responsible="VO-scholen met VMBO in de regio (bron: DUO)",
        plan="Belangstelling voor een opleiding en baan in metaal, elektra en installatie is in G&V de helft van de rest van Nederland",
        source="duo",
    ),
    Kpi(
        "vmbo_examen_techniek_aandeel", "Aandeel VMBO-examenkandidaten in techniek",
        "Share of VMBO exam candidates in technology", "Kiezen",
        "Examenkandidaten VMBO in de sector techniek als deel van alle VMBO-examenkandidaten (DUO open data), met het landelijke aandeel ernaast.",
        "VMBO exam candidates in the technology sector as a share of all VMBO exam candidates (DUO open data), with the national share beside it.",
        "share", Measure("duo-examens", _VMBO_EXAMS_TECHNIEK, value="kandidaten"),
        Measure("duo-examens", _VMBO_EXAMS, value="kandidaten"), subset=True,
        responsible="VO-scholen met VMBO in de regio (bron: DUO)",
        plan="Belangstelling voor een opleiding en baan in metaal, elektra en installatie is in G&V de helft van de rest van Nederland",
        source="duo",
    ),
    Kpi(
        "mavo_mbo4_techniek", "Doorstroom MAVO naar MBO-4 techniek/ICT", "MAVO to MBO-4 technology/ICT transfer",
        "Leren",
        "Doorstroom van VMBO-TL (MAVO) naar MBO-4 waarvan de bestemmingsopleiding (naar_opleiding) techniek/ICT is.",
        "Transfer from VMBO-TL (MAVO) to MBO-4 whose destination program (naar_opleiding) is technology/ICT.",
        "count",
        Measure("leerlingen", {"indicator": ("doorstroom",), "onderwijssoort": ("VMBO-TL",), "naar_onderwijssoort": ("MBO-4",)}, "naar_techniek"),
        responsible="Casparus College, Fontein Mavo, A. Roland Holst College, Erfgooiers College, Comenius College, De Savornin Lohman, MBO College Hilversum",
        plan="In 2016 10% meer uitstroom van MAVO in MBO4 opleidingen ICT en techniek",
    ),
    Kpi(
        "mbo4_hbo_doorstroom", "Doorstroom MBO-4 ICT-beheer en Engineering naar HBO",
        "MBO-4 ICT management and Engineering to higher education", "Leren",
        "Van de gediplomeerden MBO-4 in ICT-beheer en Engineering: het aandeel dat vanuit die opleidingen doorstroomt naar HBO-AD of HBO-BA.",
        "Of MBO-4 graduates in ICT-beheer and Engineering: the share continuing from those programs to HBO-AD or HBO-BA.",
        "share",
        Measure("leerlingen", {"indicator": ("doorstroom",), "onderwijssoort": ("MBO-4",), "opleiding": MBO4_HBO_PROGRAMS, "naar_onderwijssoort": HBO}),
        Measure("leerlingen", {"indicator": ("gediplomeerd",), "onderwijssoort": ("MBO-4",), "opleiding": MBO4_HBO_PROGRAMS}),
        responsible="MBO College Hilversum, hogeschool INHolland (ICT), regionaal bedrijfsleven",
        plan="In 2016 stroomt 80% van de MBO4 studenten ICT beheer en Engineering door naar het HBO",
    ),
    Kpi(
        "vakmanschapsroute_instroom", "Instroom in de Vakmanschapsroute", "Intake into the Craftsmanship route",
        "Leren", "Instroom met route Vakmanschapsroute (VMBO en MBO).", "Intake with route Vakmanschapsroute (VMBO and MBO).",
        "count", Measure("leerlingen", {"indicator": ("instroom",), **_VAKMANSCHAP}),
        responsible="Hilfertsheem-Beatrix, Casparus College, College De Brink, MBO College Hilversum, opleidingsbedrijven",
        plan="Meer instroom, minder uitval. Verkorting opleidingstijd.",
    ),
    Kpi(
        "vakmanschapsroute_uitval", "Uitval in de Vakmanschapsroute", "Dropout in the Craftsmanship route",
        "Leren", "Uitval gedeeld door ingeschrevenen, binnen route Vakmanschapsroute.",
        "Dropouts divided by enrolled students, within route Vakmanschapsroute.",
        "share", Measure("leerlingen", {"indicator": ("uitval",), **_VAKMANSCHAP}),
        Measure("leerlingen", {"indicator": ("ingeschreven",), **_VAKMANSCHAP}),
        responsible="Hilfertsheem-Beatrix, Casparus College, College De Brink, MBO College Hilversum",
        plan="Meer instroom, minder uitval",
    ),
    Kpi(
        "mbo_techniek_instroom", "MBO-instroom in techniek/ICT (ambacht)", "MBO intake in technology/ICT (crafts)",
        "Leren", "Instroom in MBO-1 tot en met MBO-4 in techniek/ICT-opleidingen (volgens de referentietabel).",
        "Intake in MBO-1 to MBO-4 technology/ICT programs (per the reference table).",
        "count", Measure("leerlingen", {"indicator": ("instroom",), "onderwijssoort": MBO}, "techniek"),
        responsible="Gemeente Hilversum, regionaal technisch bedrijfsleven, brancheorganisaties, MBO College Hilversum",
        plan="Herwaardering ambachtscultuur: meer instroom, meer publieke waardering en trots voor technisch vakmanschap",
    ),
    Kpi(
        "werkzoekenden_omscholing", "Werkzoekenden omgeschoold naar techniek", "Job seekers retrained for technology",
        "Werken", "Aantal gestart onder regeling 'omscholing werkzoekenden' (sectorplannen, brug-WW).",
        "Number started under 'omscholing werkzoekenden' (sector plans, bridge unemployment benefit).",
        "count", Measure("werkenden", {"regeling": ("omscholing werkzoekenden",)}, value="gestart"),
        responsible="Regionale gemeentes, UWV, werkgeversorganisaties techniek en ICT, opleiders",
        plan="Meer instroom van personeel in moeilijk vervulbare functies, meer werkzoekenden aan de slag",
    ),
    Kpi(
        "opscholing_werkenden", "Werkenden opgeschoold (MBO-2 naar 3/4)", "Employees upskilled (MBO-2 to 3/4)",
        "Werken", "Aantal gestart onder regeling 'opscholing werkenden'.", "Number started under 'opscholing werkenden'.",
        "count", Measure("werkenden", {"regeling": ("opscholing werkenden",)}, value="gestart"),
        responsible="Sociale partners, bedrijfsleven, regionale overheid, MBO College Hilversum, Provincie Noord-Holland",
        plan="MBO2 personeel opleiden naar MBO3 en MBO 4",
    ),
    Kpi(
        "dekking_vervangingsvraag", "Dekking van de vervangingsvraag", "Coverage of replacement demand",
        "Context", "Verwachte instroom van schoolverlaters gedeeld door de vervangingsvraag, opgeteld over de sectoren.",
        "Expected intake of school leavers divided by replacement demand, summed over the sectors.",
        "share", Measure("arbeidsmarkt", value="instroom_schoolverlaters"), Measure("arbeidsmarkt", value="vervangingsvraag"),
        responsible="Bedrijfsleven en onderwijs in de regio",
        plan="De verwachte instroom van schoolverlaters is 50% van de vervangingsvraag",
    ),
)  # fmt: skip

REGISTRY: dict[str, Kpi] = {k.id: k for k in KPIS}
