"""A seeded, realistic demo data set: the schools and partners of the plan, school years 2012-2019."""

from __future__ import annotations

import hashlib
import os

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine

from kpi.delivery.schema import LEERLINGEN, SHEETS, SUPPRESSED_SUFFIX, typed
from kpi.delivery.storage import DeliveryMeta, StoreResult, counts_any, is_empty, retire, store_many

YEARS = range(2012, 2020)
SEED = 2014
DEMO_BY = "demo"

OLD_SECTORS = {"Techniek": True, "Economie": False, "Zorg en welzijn": False}
PROFILES = {
    "Produceren, installeren en energie": True,
    "Bouwen, wonen en interieur": True,
    "Media, vormgeving en ICT": True,
    "Mobiliteit en transport": True,
    "Dienstverlening en producten": False,
    "Zorg en welzijn": False,
    "Economie en ondernemen": False,
}
PROFILES_FROM = 2016  # the new vmbo profiles replaced the sectors in school year 2016-2017

# brin, name, vmbo levels offered, has mavo (VMBO-TL), takes part in the Vakmanschapsroute, size
VO_SCHOOLS = [
    ("03FO01", "Hilfertsheem College", ("VMBO-BB", "VMBO-KB"), False, True, 1.0),
    ("14SM05", "College De Brink", ("VMBO-BB", "VMBO-KB", "VMBO-GL"), True, True, 1.1),
    ("24TG04", "Casparus College", ("VMBO-BB", "VMBO-KB", "VMBO-GL"), True, True, 0.9),
    ("00UM00", "Erfgooiers College", ("VMBO-GL",), True, False, 0.8),
    ("14SM02", "De Fontein", (), True, False, 0.6),
    ("14SM04", "A. Roland Holst College", (), True, False, 0.7),
    ("90CM00", "Comenius College", (), True, False, 0.5),
    ("90SL00", "De Savornin Lohman", (), True, False, 0.4),
]
MBO_SCHOOL = ("25LZ01", "MBO College Hilversum")
MBO_PROGRAMS = [  # name, level, techniek, yearly intake around 2014
    ("ICT-beheer", "MBO-4", True, 62),
    ("Engineering", "MBO-4", True, 40),
    ("Elektrotechniek", "MBO-3", True, 24),
    ("Installatietechniek", "MBO-2", True, 20),
    ("Timmerman", "MBO-2", True, 16),
    ("Metselaar", "MBO-2", True, 9),
    ("Autotechniek", "MBO-3", True, 22),
    ("Medewerker ICT", "MBO-2", True, 18),
    ("Smart Technology", "MBO-4", None, 12),  # deliberately not in the reference table
    ("Verpleegkunde", "MBO-4", False, 70),
    ("Commercie", "MBO-4", False, 55),
    ("Onderwijsassistent", "MBO-4", False, 40),
]
MAVO_DESTINATIONS = {  # destination program at MBO-4 -> share of the MAVO leavers going there around 2014
    "ICT-beheer": 0.045,
    "Engineering": 0.03,
    "Elektrotechniek": 0.02,
    "Software developer": 0.025,
    "Commercie": 0.12,
    "Verpleegkunde": 0.10,
    "Onderwijsassistent": 0.06,
    "Juridisch medewerker": 0.05,
}
COMPANIES = [
    "Aalbers Bouw",
    "Autobedrijf Marat",
    "Autobedrijf Toonen Naarden",
    "Awera",
    "DeLorentz & Partners",
    "Digital Services",
    "Fred Jansen Autogroep",
    "Gebrema",
    "Gijs & Van Cleef",
    "Grotenhuis Installatie BV",
    "Henk Griffioen Automobielbedrijf",
    "Installatiewerk Midden Nederland",
    "Joolen Ingenieursbureau",
    "Metaalbewerkingsbedrijf Smit BV",
    "Mokveld Bouw en Onderhoud BV",
    "Nobel/Pink Elephant",
    "PTTA Verdeelsystemen",
    "Rodaal",
    "Schipper Installatie",
    "Stokker Bouwbedrijf",
    "Symantec",
    "Bouwmensen Gooi en Vechtstreek",
    "OBM Midden Nederland",
    "Installatiebedrijf Vecht",
    "Elektro Gooiland",
    "Metaalwerken Huizen",
    "Bouwbedrijf Eemnes",
    "Autoschade Bussum",
    "ICT Gooi BV",
    "Media Techniek Hilversum",
    "Klimaattechniek Laren",
    "Dakwerken Weesp",
    "Staalbouw Blaricum",
    "Loodgieter Naarden",
    "Zonnepanelen Gooi",
]
VVT_MEMBERS = dict(zip(YEARS, (6, 9, 12, 18, 24, 27, 29, 31), strict=True))
PRIMARY_SCHOOLS = [
    f"Basisschool {n}"
    for n in (
        "De Regenboog",
        "De Wegwijzer",
        "Het Kompas",
        "De Vuurvogel",
        "De Sterrenwacht",
        "Titus Brandsma",
        "De Kameleon",
        "Johannes Calvijn",
        "De Springplank",
        "Het Palet",
        "Sint Joseph",
        "De Bijenkorf",
        "Montessori Hilversum",
        "De Dalton",
        "Het Anker",
        "De Zonnewijzer",
    )
]
WT_SCHOOLS = dict(zip(YEARS, (1, 2, 2, 4, 7, 8, 9, 10), strict=True))
SECTORS = {"metaal": 160, "elektro": 120, "installatie": 140, "bouw": 210, "ICT": 180, "automotive": 90}


def _growth(year: int, per_year: float) -> float:
    return (1 + per_year) ** (year - 2014)


class _Rows:
    """Collects leerlingen rows; counts from 1 to 4 are sometimes delivered as suppressed (`<5`)."""

    def __init__(self, rng: np.random.Generator, brin: str, school: str):
        self.rng, self.brin, self.school, self.rows = rng, brin, school, []

    def add(
        self, year: int, level: str, program: str, indicator: str, count: float, small: bool = False, **extra
    ) -> None:
        """One count; with `small`, a count from 1 to 4 is now and then delivered as `<5`, as some exports do."""
        count = max(count, 0.0)
        # Small counts vary like real small groups; larger ones follow the trend with a little noise.
        n = int(self.rng.poisson(count)) if count < 5 else max(0, round(count * self.rng.normal(1, 0.03)))
        suppressed = small and 1 <= n <= 4 and self.rng.random() < 0.4
        self.rows.append(
            {
                "schooljaar": year,
                "brin": self.brin,
                "school": self.school,
                "onderwijssoort": level,
                "opleiding": program,
                "indicator": indicator,
                "aantal": None if suppressed else n,
                "aantal" + SUPPRESSED_SUFFIX: suppressed,
                **extra,
            }
        )


def _vo_school(rng: np.random.Generator, brin, name, levels, mavo, vakmanschap, size) -> pd.DataFrame:
    rows = _Rows(rng, brin, name)
    for year in YEARS:
        programs = PROFILES if year >= PROFILES_FROM else OLD_SECTORS
        techniek_trend = {2012: 0.97, 2013: 0.99, 2014: 1.0, 2015: 1.03, 2016: 1.07, 2017: 1.09, 2018: 1.1, 2019: 1.12}
        for level in levels:
            cohort = 85 * size * _growth(year, -0.01)
            tech_share = 0.30 * techniek_trend[year]
            techniek = [p for p, t in programs.items() if t]
            other = [p for p, t in programs.items() if not t]
            for program in techniek:
                expected = cohort * tech_share / len(techniek)
                route_part = 0.0
                if vakmanschap and year >= 2014 and level in ("VMBO-BB", "VMBO-KB"):
                    route_part = expected * min(0.15 + 0.08 * (year - 2014), 0.5)
                rows.add(year, level, program, "instroom", expected - route_part, leerjaar=3)
                rows.add(year, level, program, "ingeschreven", (expected - route_part) * 1.9)
                if route_part:
                    route = {"route": "Vakmanschapsroute"}
                    rows.add(year, level, program, "instroom", route_part, leerjaar=3, **route)
                    rows.add(year, level, program, "ingeschreven", route_part * 1.9, **route)
                    dropout = 0.09 - 0.004 * (year - 2014) + (0.03 if year == 2016 else 0)
                    rows.add(year, level, program, "uitval", route_part * 1.9 * dropout, small=True, **route)
            for program in other:
                rows.add(year, level, program, "instroom", cohort * (1 - tech_share) / len(other), leerjaar=3)
        if mavo:
            leavers = 120 * size * _growth(year, 0.005)
            rows.add(year, "VMBO-TL", "Algemeen", "gediplomeerd", leavers)
            mavo_trend = {2012: 0.95, 2013: 0.97, 2014: 1.0, 2015: 1.06, 2016: 1.15, 2017: 1.18, 2018: 1.2, 2019: 1.22}
            for program, share in MAVO_DESTINATIONS.items():
                techniek = program in ("ICT-beheer", "Engineering", "Elektrotechniek", "Software developer")
                expected = leavers * share * (mavo_trend[year] if techniek else 1.0)
                extra = {"route": "Technologieroute"} if techniek and year >= 2015 and brin[:4] == "24TG" else {}
                rows.add(
                    year,
                    "VMBO-TL",
                    "Algemeen",
                    "doorstroom",
                    expected,
                    small=brin == "90SL00",
                    naar_onderwijssoort="MBO-4",
                    naar_opleiding=program,
                    **extra,
                )
            rows.add(year, "VMBO-TL", "Algemeen", "doorstroom", leavers * 0.2, naar_onderwijssoort="HAVO")
    return pd.DataFrame(rows.rows)


def _mbo_school(rng: np.random.Generator) -> pd.DataFrame:
    brin, name = MBO_SCHOOL
    rows = _Rows(rng, brin, name)
    hbo_share = {2012: 0.52, 2013: 0.54, 2014: 0.55, 2015: 0.58, 2016: 0.63, 2017: 0.66, 2018: 0.67, 2019: 0.69}
    for year in YEARS:
        for program, level, techniek, intake in MBO_PROGRAMS:
            trend = _growth(year, 0.06 if techniek else 0.0)
            rows.add(year, level, program, "instroom", intake * trend, leerjaar=1)
            rows.add(year, level, program, "ingeschreven", intake * trend * 2.6)
            rows.add(year, level, program, "gediplomeerd", intake * trend * 0.7)
            rows.add(year, level, program, "uitval", intake * trend * 0.18)
            if program in ("ICT-beheer", "Engineering"):
                graduates = intake * trend * 0.7
                rows.add(
                    year,
                    level,
                    program,
                    "doorstroom",
                    graduates * hbo_share[year] * 0.45,
                    naar_onderwijssoort="HBO-AD",
                    naar_opleiding=f"Associate degree {program}",
                )
                rows.add(
                    year,
                    level,
                    program,
                    "doorstroom",
                    graduates * hbo_share[year] * 0.55,
                    naar_onderwijssoort="HBO-BA",
                    naar_opleiding=program,
                )
        for program in ("Elektrotechniek", "Installatietechniek", "Timmerman"):
            if year >= 2015:
                route = {"route": "Vakmanschapsroute"}
                level = "MBO-2" if program != "Elektrotechniek" else "MBO-3"
                enrolled = 6 * (year - 2014)
                rows.add(year, level, program, "ingeschreven", enrolled, **route)
                rows.add(year, level, program, "uitval", enrolled * 0.08, small=True, **route)
    return pd.DataFrame(rows.rows)


def _regional(rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    organisations, workers, market = [], [], []
    for year in YEARS:
        for index, school in enumerate(PRIMARY_SCHOOLS):
            organisations.append(
                {"jaar": year, "naam": school, "soort": "basisschool", "wt_beleid": index < WT_SCHOOLS[year]}
            )
        for index, company in enumerate(COMPANIES[: 20 + (year - 2012) * 2]):
            member = index < VVT_MEMBERS[year]
            activities = int(rng.integers(1, 6)) if member else 0
            organisations.append(
                {
                    "jaar": year,
                    "naam": company,
                    "soort": "bedrijf",
                    "vrienden_van_techniek": member,
                    "activiteiten": activities,
                    "leerlingen_bereikt": activities * int(rng.integers(15, 60)),
                }
            )
        for name, kind in (
            ("Gemeente Hilversum", "overheid"),
            ("MBO College Hilversum", "mbo"),
            ("Uneto-VNI", "branche"),
        ):
            organisations.append({"jaar": year, "naam": name, "soort": kind})
        for sector, base in (("bouw", 14), ("installatie", 12), ("metaal", 9), ("ICT", 8)):
            started = rng.poisson(base * _growth(year, 0.2 if year >= 2014 else 0.02))
            workers.append(
                {
                    "jaar": year,
                    "regeling": "omscholing werkzoekenden",
                    "sector": sector,
                    "gestart": started,
                    "geslaagd": int(started * 0.7),
                }
            )
        for sector, base in (("installatie", 14), ("metaal", 12), ("bouw", 9)):
            started = rng.poisson(base * _growth(year, -0.06))
            workers.append(
                {
                    "jaar": year,
                    "regeling": "opscholing werkenden",
                    "sector": sector,
                    "van_niveau": "MBO-2",
                    "naar_niveau": "MBO-3",
                    "gestart": started,
                    "geslaagd": int(started * 0.8),
                }
            )
        for sector, demand in SECTORS.items():
            need = demand * _growth(year, 0.03)
            coverage = 0.48 + 0.02 * (year - 2012)
            market.append(
                {
                    "jaar": year,
                    "sector": sector,
                    "vervangingsvraag": round(need),
                    "instroom_schoolverlaters": round(need * coverage * rng.uniform(0.9, 1.1)),
                }
            )
    return {
        "organisaties": pd.DataFrame(organisations),
        "werkenden": pd.DataFrame(workers),
        "arbeidsmarkt": pd.DataFrame(market),
    }


def demo_deliveries(seed: int = SEED) -> list[tuple[str, dict[str, pd.DataFrame]]]:
    """The demo set as deliveries: one file per school, one regional file; same seed, same data."""
    rng = np.random.default_rng(seed)
    deliveries = [
        (f"demo_{brin}_{name}.xlsx", {"leerlingen": typed(_vo_school(rng, brin, name, *rest), LEERLINGEN)})
        for brin, name, *rest in VO_SCHOOLS
    ]
    deliveries.append(
        (f"demo_{MBO_SCHOOL[0]}_{MBO_SCHOOL[1]}.xlsx", {"leerlingen": typed(_mbo_school(rng), LEERLINGEN)})
    )
    regional = {name: typed(frame, SHEETS[name]) for name, frame in _regional(rng).items()}
    deliveries.append(("demo_regio_Gooi_en_Vechtstreek.xlsx", regional))
    return deliveries


def load_demo(engine: Engine, seed: int = SEED) -> list[StoreResult] | None:
    """Fill an empty database with the demo set in one transaction; None if it already holds data."""
    if not is_empty(engine):
        return None
    items = []
    for file_name, frames in demo_deliveries(seed):
        digest = hashlib.sha256(f"{file_name}:{seed}".encode()).hexdigest()
        items.append((frames, DeliveryMeta(file_name, digest, DEMO_BY, kind="demo")))
    return store_many(engine, items)


def retire_demo(engine: Engine, by: str) -> int:
    """Stop counting the demo set (before going live); its rows stay in the history. Rows retired."""
    return retire(engine, "demo", by)


def demo_wanted() -> bool:
    """Whether a first start fills an empty database with the demo set (TECHNIEKPACT_DEMO=0 says no)."""
    return os.environ.get("TECHNIEKPACT_DEMO", "1").strip().lower() not in ("0", "no", "nee", "false", "off")


def holds_demo(engine: Engine) -> bool:
    """True while any current data came from the demo set (the UI labels it)."""
    return counts_any(engine, "demo")
