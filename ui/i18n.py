"""The dashboard's words in Dutch (default) and English: one table, one lookup."""

from __future__ import annotations

import streamlit as st

LANGUAGES = {"NL": "Nederlands", "EN": "English"}

TEXT: dict[str, tuple[str, str]] = {
    "app_title": ("Techniekpact Monitor Gooi & Vechtstreek", "Techniekpact Monitor Gooi & Vechtstreek"),
    "section_steering": ("Stuurgroep", "Steering group"),
    "section_lines": ("Actielijnen", "Action lines"),
    "section_analysis": ("Analyse", "Analysis"),
    "section_schools": ("Scholen", "Schools"),
    "page_overview": ("Overzicht", "Overview"),
    "page_kiezen": ("Kiezen voor techniek", "Choosing technology"),
    "page_leren": ("Leren in techniek", "Learning in technology"),
    "page_werken": ("Werken in techniek", "Working in technology"),
    "page_doorstroom": ("Doorstroom", "Transfers"),
    "page_explorer": ("Verkenner", "Explorer"),
    "page_targets": ("Doelen en definities", "Targets and definitions"),
    "page_upload": ("Gegevens aanleveren", "Deliver data"),
    "language": ("Taal", "Language"),
    "filters": ("Filters", "Filters"),
    "school": ("School", "School"),
    "route": ("Route", "Route"),
    "level": ("Onderwijssoort", "Level"),
    "program": ("Opleiding", "Program"),
    "indicator": ("Indicator", "Indicator"),
    "years": ("Schooljaren", "School years"),
    "year": ("Schooljaar", "School year"),
    "all": ("alle", "all"),
    "regulier": ("regulier (geen route)", "regular (no route)"),
    "demo_banner": (
        "Dit zijn **demogegevens** (fictief, met de scholen en partners uit het actieplan). Lever echte gegevens aan via *Gegevens aanleveren*.",
        "This is **demo data** (fictitious, with the schools and partners of the action plan). Deliver real data via *Deliver data*.",
    ),
    "no_data": (
        "Nog geen gegevens{what} — lever aan via *Gegevens aanleveren*.",
        "No data yet{what} — deliver via *Deliver data*.",
    ),
    "for_year": (" voor {year}", " for {year}"),
    "targets_broken": ("Het doelenbestand is onbruikbaar: {error}", "The targets file cannot be used: {error}"),
    "value": ("Waarde", "Value"),
    "target": ("Doel", "Target"),
    "baseline": ("Basis", "Baseline"),
    "projection": ("Projectie {year}", "Projection {year}"),
    "progress": ("Voortgang naar het doel", "Progress toward the target"),
    "status": ("Status", "Status"),
    "unclassified": (
        "{n} regels met een opleiding die nog niet als techniek/ICT of niet-techniek is ingedeeld",
        "{n} rows with a program not yet classified as technology/ICT or not",
    ),
    "meeting_pack": ("Vergaderpakket", "Meeting pack"),
    "download_html": ("Download vergaderpakket (HTML)", "Download meeting pack (HTML)"),
    "download_xlsx": ("Download overzicht (Excel)", "Download overview (Excel)"),
    "download_csv": ("Download CSV", "Download CSV"),
    "download_excel": ("Download Excel", "Download Excel"),
    "overview_caption": (
        "Elke belofte van het actieplan met haar status in {year}. Kleuren zijn kleurenblind-veilig en staan nooit zonder woord.",
        "Every promise of the action plan with its status in {year}. Colours are colour-blind safe and never stand without a word.",
    ),
    "definition": ("Definitie", "Definition"),
    "responsible": ("Verantwoordelijk", "Responsible"),
    "plan": ("Actieplan", "Action plan"),
    "rule": ("Doelregel", "Target rule"),
    "per_school": ("Per school: wie trekt omhoog, wie omlaag", "Per school: who pulls up, who down"),
    "data_table": ("Gegevens", "Data"),
    "change": ("Verandering t.o.v. basisjaar", "Change since baseline"),
    "doorstroom_caption": (
        "Doorstroom tussen onderwijssoorten in {year}. Oranje: de stromen uit het actieplan (MAVO → MBO-4 techniek/ICT, MBO-4 ICT-beheer/Engineering → HBO).",
        "Transfers between levels in {year}. Orange: the flows of the action plan (MAVO → MBO-4 technology/ICT, MBO-4 ICT/Engineering → higher education).",
    ),
    "small_left_out": (
        "Stromen kleiner dan 5 zijn weggelaten (bescherming kleine aantallen).",
        "Flows below 5 are left out (small-number protection).",
    ),
    "from": ("van", "from"),
    "to": ("naar", "to"),
    "count": ("aantal (≈: met kleine aantallen geschat)", "count (≈: estimated with small numbers)"),
    "in_plan": ("in actieplan", "in action plan"),
    "yes": ("ja", "yes"),
    "per": ("Uitsplitsen naar", "Split by"),
    "total": ("totaal", "total"),
    "pivot": ("Draaitabel", "Pivot table"),
    "login": ("Inloggen", "Log in"),
    "logout": ("Uitloggen", "Log out"),
    "user": ("Gebruikersnaam", "User name"),
    "password": ("Wachtwoord", "Password"),
    "login_failed": ("Onbekende gebruiker of onjuist wachtwoord.", "Unknown user or wrong password."),
    "logged_in_as": ("Ingelogd als **{name}** ({role})", "Logged in as **{name}** ({role})"),
    "role_viewer": ("kijker", "viewer"),
    "role_school": ("school", "school"),
    "role_analyst": ("analist", "analyst"),
    "role_admin": ("beheerder", "administrator"),
    "template": ("Download de aanlevertemplate (Excel)", "Download the delivery template (Excel)"),
    "template_help": (
        "Vul de template in met de export uit uw leerlingadministratie; titels boven de kopregel en een totaalregel mogen blijven staan.",
        "Fill in the template with the export of your student administration; titles above the header and a totals row may stay.",
    ),
    "need_login": (
        "Log in als school of beheerder om gegevens aan te leveren.",
        "Log in as a school or administrator to deliver data.",
    ),
    "no_accounts": (
        "Er zijn nog geen accounts. De beheerder maakt ze aan met `python -m kpi user add NAAM --role school --brin 14SM05`.",
        "There are no accounts yet. The administrator creates them with `python -m kpi user add NAME --role school --brin 14SM05`.",
    ),
    "upload": ("Bestand uploaden (.xlsx, .xlsm, .xls, .ods, .csv)", "Upload a file (.xlsx, .xlsm, .xls, .ods, .csv)"),
    "upload_help": (
        "Hoogstens {mb} MB. Een groter bestand: splits het per schooljaar of per school.",
        "At most {mb} MB. A larger file: split it by school year or by school.",
    ),
    "on_behalf": ("Namens school", "On behalf of school"),
    "reading": ("Bestand lezen…", "Reading the file…"),
    "checking": ("Regels controleren…", "Checking the rows…"),
    "storing": ("Opslaan…", "Storing…"),
    "checked": ("Controle klaar", "Check done"),
    "refused": (
        "Dit bestand wordt niet opgeslagen: {n} fout(en). Herstel ze en lever opnieuw aan; er is niets veranderd.",
        "This file is not stored: {n} error(s). Fix them and deliver again; nothing was changed.",
    ),
    "warnings": (
        "{n} waarschuwing(en): het bestand kan wel worden opgeslagen.",
        "{n} warning(s): the file can still be stored.",
    ),
    "download_problems": ("Download de lijst met problemen (CSV)", "Download the list of problems (CSV)"),
    "preview": ("Wat er verandert (regels per blad en schooljaar)", "What changes (rows per sheet and school year)"),
    "rows_now": ("regels nu", "rows now"),
    "rows_after": ("regels na opslaan", "rows after storing"),
    "store": ("Opslaan", "Store"),
    "stored": (
        "Opgeslagen als levering {id}: {rows} regels; {replaced} eerdere regels vervangen.",
        "Stored as delivery {id}: {rows} rows; {replaced} earlier rows replaced.",
    ),
    "unchanged": (
        "Dit bestand is al aangeleverd: er is niets veranderd.",
        "This file was delivered before: nothing changed.",
    ),
    "history": ("Leveringen", "Deliveries"),
    "restore": ("Levering terugzetten", "Restore a delivery"),
    "restore_button": ("Terugzetten", "Restore"),
    "restored": (
        "Levering {old} is weer actueel (als levering {new}).",
        "Delivery {old} is current again (as delivery {new}).",
    ),
    "kpi_table": ("KPI's", "KPIs"),
    "reference_table": (
        "Wat telt als techniek/ICT (data/techniek_referentie.csv)",
        "What counts as technology/ICT (data/techniek_referentie.csv)",
    ),
    "unknown_programs": ("Opleidingen die nog niet zijn ingedeeld", "Programs not yet classified"),
    "none_unknown": ("Alle opleidingen in de gegevens zijn ingedeeld.", "Every program in the data is classified."),
    "context_title": ("Context: arbeidsmarkt", "Context: labour market"),
    "before_baseline": ("geen oordeel (vóór basisjaar)", "no verdict (before baseline)"),
}


def language() -> str:
    """`nl` or `en`, from the language switch (default Dutch)."""
    return "en" if st.session_state.get("lang") == "EN" else "nl"


def t(key: str, **values: object) -> str:
    """The text for `key` in the chosen language."""
    nl, en = TEXT[key]
    text = nl if language() == "nl" else en
    return text.format(**values) if values else text
