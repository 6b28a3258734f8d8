"""The school register, accounts, logins and the audit log in the database (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import time

import pytest
import sqlalchemy as sa

from kpi.delivery.ingest import checked_file, stored_file
from kpi.settings import logins, register, users
from kpi.settings.audit import audit_entries
from kpi.settings.register import RegisterError
from kpi.settings.users import AccountError
from tests.conftest import HEADER, workbook_bytes

MBO_ROW = ["2016-2017", "25LJ00", "MBO College Hilversum", "MBO-4", 1, "Mechatronica", "instroom", 30]
PASSWORD = "een-lang-wachtwoord"


def test_register_is_seeded_once_with_placeholders_marked(any_engine):
    schools = {s.brin: s for s in register.school_register(any_engine)}
    assert len(schools) == 15 and schools["14SM"].verified and not schools["25LZ"].verified
    assert {s.brin for s in register.placeholders(any_engine)} == {"90CM", "90SL", "25LZ", "21PL", "25DW"}
    register.school_register(any_engine)  # a second read seeds nothing more
    assert [e["action"] for e in audit_entries(any_engine)] == ["school.seed"]


def test_a_new_school_delivers_after_it_is_registered(any_engine):
    data = workbook_bytes({"leerlingen": [HEADER, MBO_ROW]})
    refused = checked_file(data, "mbo.xlsx", engine=any_engine)
    assert [p.code for p in refused.errors] == ["brin_unknown"]
    register.add_school(any_engine, "25lj", "MBO College Hilversum", "Hilversum", "mbo", by="beheer")
    accepted = checked_file(data, "mbo.xlsx", engine=any_engine)
    assert accepted.ok, accepted.problems
    stored_file(any_engine, accepted, "beheer")
    actions = [(e["action"], e["subject"]) for e in audit_entries(any_engine)]
    assert actions[:2] == [("delivery.import", "1"), ("school.add", "25LJ")]


def test_retired_school_delivers_no_more_but_its_history_keeps_counting(any_engine):
    from kpi.delivery.storage import current_facts

    register.add_school(any_engine, "25LJ", "MBO College Hilversum", soort="mbo", by="beheer")
    data = workbook_bytes({"leerlingen": [HEADER, MBO_ROW]})
    stored_file(any_engine, checked_file(data, "mbo.xlsx", engine=any_engine), "beheer")
    register.retire_school(any_engine, "25LJ", "beheer")
    again = workbook_bytes({"leerlingen": [HEADER, [*MBO_ROW[:7], 31]]})
    assert [p.code for p in checked_file(again, "mbo2.xlsx", engine=any_engine).errors] == ["brin_unknown"]
    assert current_facts(any_engine, "leerlingen")["aantal"].tolist() == [30]
    with pytest.raises(RegisterError) as error:
        register.retire_school(any_engine, "99ZZ", "beheer")
    assert error.value.code == "unknown_school"


@pytest.mark.parametrize(
    ("brin", "code"),
    [("14SM٠٥", "brin_format"), ("１４SM", "brin_format"), ("14S", "brin_format"), ('14"M', "brin_format"), ("", "brin_format")],
)  # fmt: skip
def test_only_ascii_brins_enter_the_register(any_engine, brin, code):
    with pytest.raises(RegisterError) as error:
        register.add_school(any_engine, brin, "School", by="beheer")
    assert error.value.code == code


def test_import_registers_many_at_once_or_nothing(any_engine):
    lines = ["brin;naam;gemeente;soort"] + [
        f"{10 + i // 26 % 90:02d}{chr(65 + i % 26)}Q;School {i};Hilversum;vo" for i in range(500)
    ]
    changed, total = register.import_schools(any_engine, "\n".join(lines).encode(), "beheer")
    assert (changed, total) == (500, 500) and len(register.school_register(any_engine)) == 515
    assert sum(e["action"] == "school.add" for e in audit_entries(any_engine)) == 500
    bad = b"brin,naam\n30AB,Goed\n3XAB,Fout\n31AB,\n30AB,Dubbel\n"
    with pytest.raises(register.ImportProblems) as problems:
        register.import_schools(any_engine, bad, "beheer")
    assert [(line, p.code) for line, p in problems.value.problems] == [
        (3, "brin_format"),
        (4, "name_missing"),
        (5, "duplicate_brin"),
    ]
    assert "30AB" not in {s.brin for s in register.school_register(any_engine)}  # nothing stored


def test_accounts_round_trip_dots_and_quotes(any_engine):
    register.add_school(any_engine, "25LJ", 'MBO "Hilversum"', by="beheer")
    users.add_user(any_engine, "jan.smit", PASSWORD, "school", ("25LJ",), by="beheer")
    users.add_user(any_engine, 'o"brien', 'wacht"woord-1', "admin", by="beheer")
    assert users.authenticated(any_engine, "jan.smit", PASSWORD) == users.User("jan.smit", "school", ("25LJ",))
    assert users.authenticated(any_engine, 'o"brien', 'wacht"woord-1').role == "admin"
    users.add_user(any_engine, "jan.smit.2", PASSWORD, "analyst", by="beheer")  # the next add still works
    assert [a["name"] for a in users.user_list(any_engine)] == ["jan.smit", "jan.smit.2", 'o"brien']
    users.remove_user(any_engine, "jan.smit.2", "beheer")
    assert users.authenticated(any_engine, "jan.smit.2", PASSWORD) is None
    actions = [e["action"] for e in audit_entries(any_engine)]
    assert actions[:4] == ["user.remove", "user.add", "user.add", "user.add"]
    assert all(PASSWORD not in str(e["new_value"]) for e in audit_entries(any_engine))


@pytest.mark.parametrize(
    ("role", "brins", "code"),
    [("school", ("99ZZ",), "brin_not_registered"), ("school", ('14"M',), "brin_not_registered"),
     ("school", (), "school_needs_brin"), ("admin", ("14SM",), "brin_only_for_schools"), ("baas", (), "role_unknown")],
)  # fmt: skip
def test_account_refused(any_engine, role, brins, code):
    with pytest.raises(AccountError) as error:
        users.add_user(any_engine, "x", PASSWORD, role, brins, by="beheer")
    assert error.value.code == code


def test_a_location_of_a_registered_institution_may_be_given(any_engine):
    assert users.add_user(any_engine, "brink", PASSWORD, "school", ("14sm05",), by="beheer").schools == ("14SM05",)


def test_a_bad_account_record_never_breaks_logging_in(any_engine):
    users.add_user(any_engine, "goed", PASSWORD, "analyst", by="beheer")
    with any_engine.begin() as conn:
        rows = [{"name": "kapot", "role": "baas", "schools": "x", "password_hash": "geen$hash"},
                {"name": "leeg", "role": "school", "schools": [], "password_hash": users.password_hash(PASSWORD)}]  # fmt: skip
        for row in rows:
            conn.execute(users.accounts.insert().values(**row, updated_at=dt.datetime.now(dt.UTC), updated_by="x"))
    assert users.authenticated(any_engine, "kapot", PASSWORD) is None
    assert users.authenticated(any_engine, "leeg", PASSWORD) is None
    assert users.authenticated(any_engine, "goed", PASSWORD).role == "analyst"
    assert len(users.user_list(any_engine)) == 3


def test_old_accounts_file_is_adopted_once(engine, tmp_path, monkeypatch):
    old = tmp_path / "users.toml"
    digest = users.password_hash(PASSWORD)
    old.write_text(f'[users.jan.smit]\nrole = "analyst"\nbrin = []\npassword = "{digest}"\n\n'
                   f'[users.beheer]\nrole = "admin"\nbrin = []\npassword = "{digest}"\n')  # fmt: skip
    monkeypatch.setenv("TECHNIEKPACT_USERS", str(old))
    assert users.authenticated(engine, "jan.smit", PASSWORD).role == "analyst"  # the dotted name works again
    assert not old.exists() and (tmp_path / "users.toml.migrated").exists()
    assert sorted(e["subject"] for e in audit_entries(engine) if e["action"] == "user.migrate") == [
        "beheer",
        "jan.smit",
    ]


def test_unreadable_old_accounts_file_breaks_nothing(engine, tmp_path, monkeypatch):
    old = tmp_path / "users.toml"
    old.write_text('[users.x]\nbrin = ["14"SM"]\n')
    monkeypatch.setenv("TECHNIEKPACT_USERS", str(old))
    assert users.authenticated(engine, "x", PASSWORD) is None and not users.has_accounts(engine)


def test_logins_are_throttled_per_account_and_address(engine):
    users.add_user(engine, "beheer", PASSWORD, "admin", by="x")
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    outcomes = [logins.log_in(engine, "beheer", "fout", "10.0.0.1", start + dt.timedelta(seconds=i)) for i in range(6)]
    assert [o.wait for o in outcomes] == [0, 0, 0, 0, 0, 1]  # the 6th quick attempt must wait (2 s after the 5th)
    right_away = logins.log_in(engine, "beheer", PASSWORD, "10.0.0.2", start + dt.timedelta(seconds=5))
    assert right_away.user is None and right_away.wait == 1  # not even checked while waiting
    later = logins.log_in(engine, "beheer", PASSWORD, "10.0.0.2", start + dt.timedelta(seconds=7))
    assert later.user is not None and later.wait == 0
    unknown = [logins.log_in(engine, "niemand", "fout", "10.0.0.3", start + dt.timedelta(seconds=i)) for i in range(6)]
    assert [o.wait for o in unknown] == [0, 0, 0, 0, 0, 1]  # unknown names are treated alike
    many = [logins.log_in(engine, f"naam{i}", "fout", "10.0.0.9", start + dt.timedelta(seconds=i)) for i in range(21)]
    assert many[-1].wait > 0  # one address trying many names waits too


def test_waits_grow_and_are_bounded():
    assert [logins.wait_after(n, 5) for n in (4, 5, 6, 7, 20)] == [0, 2, 4, 8, logins.MAX_WAIT]


def test_unknown_names_take_as_long_as_known_ones(engine):
    users.add_user(engine, "beheer", PASSWORD, "admin", by="x")

    def seconds(name: str) -> float:
        times = []
        for _ in range(5):
            start = time.perf_counter()
            users.authenticated(engine, name, "fout")
            times.append(time.perf_counter() - start)
        return sorted(times)[2]

    known, unknown = seconds("beheer"), seconds("niemand")
    assert 0.5 < unknown / known < 2, (known, unknown)


def test_session_token_holds_until_it_expires_or_the_password_changes(engine):
    user = users.add_user(engine, "beheer", PASSWORD, "admin", by="x")
    now = dt.datetime.now(dt.UTC)
    token = logins.session_token(engine, user, now)
    assert logins.session_user(engine, token, now) == user
    assert logins.session_user(engine, token, now + dt.timedelta(hours=13)) is None  # expired
    body, signature = token.split(".")
    forged = logins._b64(logins._unb64(body).replace(b"beheer", b"beheeR")) + "." + signature
    assert logins.session_user(engine, forged, now) is None
    assert logins.session_user(engine, "rommel", now) is None and logins.session_user(engine, None, now) is None
    users.add_user(engine, "beheer", "een-ander-wachtwoord", "admin", by="x")
    assert logins.session_user(engine, token, now) is None  # a new password ends old sessions


def test_a_retired_demo_is_never_restored(engine):
    from kpi.delivery.storage import RestoreRefused, restore
    from kpi.sources.demo import holds_demo, load_demo, retire_demo

    load_demo(engine)
    with engine.connect() as conn:
        demo_id = conn.execute(sa.text("SELECT min(id) FROM deliveries WHERE kind = 'demo'")).scalar_one()
    retire_demo(engine, "beheer")
    with pytest.raises(RestoreRefused):
        restore(engine, demo_id, "beheer")
    assert not holds_demo(engine)
    assert next(e["action"] for e in audit_entries(engine)) == "demo.retire"
