"""What belongs to one visitor: language, login and role, and the shared filters (kept in the URL)."""

from __future__ import annotations

import streamlit as st

from kpi.delivery.schema import LEVELS, ROUTES
from kpi.metrics.facts import REGULAR_ROUTE, Filters
from kpi.settings import logins
from kpi.settings.users import ANONYMOUS, User, has_accounts
from kpi.views.safety import markdown_text
from ui import data
from ui.i18n import LANGUAGES, language, t


def language_switch() -> str:
    # The options are the codes themselves, so a link says ?lang=EN.
    st.sidebar.segmented_control(
        t("language"), list(LANGUAGES), default=LANGUAGES[0], key="lang", bind="query-params", required=True
    )
    return language()


def user() -> User:
    return st.session_state.get("user", ANONYMOUS)


def role() -> str:
    return user().role


COOKIE = "techniekpact_sessie"


def login_box() -> None:
    """Log in or out at the top of the sidebar; a signed cookie keeps the login over a reload (F5)."""
    _write_cookie()
    current = user()
    label = (
        t("login")
        if current is ANONYMOUS
        else t("logged_in_as", name=markdown_text(current.name), role=t(f"role_{current.role}"))
    )
    with st.sidebar.expander(label, icon=":material/login:" if current is ANONYMOUS else ":material/person:"):
        if current is not ANONYMOUS:
            if st.button(t("logout"), key="logout"):
                del st.session_state["user"]
                st.session_state["cookie_out"] = ""  # an empty value with no lifetime removes it
                st.rerun()
            return
        if not has_accounts(data.engine()):
            st.caption(t("no_accounts"))
        with st.form("login_form", border=False):
            name = st.text_input(t("user"), key="login_name")
            password = st.text_input(t("password"), type="password", key="login_password")
            if st.form_submit_button(t("login"), key="login_submit"):
                outcome = logins.log_in(data.engine(), name, password, st.context.ip_address or "")
                if outcome.wait:
                    st.error(t("login_throttle.wait", seconds=outcome.wait))
                elif outcome.user is None:
                    st.error(t("login_failed"))
                else:
                    st.session_state["user"] = outcome.user
                    st.session_state["cookie_out"] = logins.session_token(data.engine(), outcome.user)
                    st.rerun()


def resume_login() -> None:
    """Once per browser session: the user a valid session cookie names (a reload starts a new session)."""
    if st.session_state.get("cookie_read"):
        return
    st.session_state["cookie_read"] = True
    found = logins.session_user(data.engine(), st.context.cookies.get(COOKIE))
    if found is not None and "user" not in st.session_state:
        st.session_state["user"] = found


def _write_cookie() -> None:
    """Set (or clear) the session cookie in the browser; the value is our own signed token, never user input."""
    token = st.session_state.pop("cookie_out", None)
    if token is None:
        return
    lifetime = logins.SESSION_HOURS * 3600 if token else 0
    st.sidebar.html(
        f"<script>document.cookie = '{COOKIE}={token}; Path=/; Max-Age={lifetime}; SameSite=Strict'"
        " + (location.protocol === 'https:' ? '; Secure' : '');</script>",
        unsafe_allow_javascript=True,
    )


def sidebar_filters() -> None:
    """The filters every page shares, bound to the URL so a copied link opens the same view."""
    known = data.names(data.version())
    st.sidebar.subheader(t("filters"))
    st.sidebar.multiselect(
        t("school"),
        sorted(known),
        key="school",
        bind="query-params",
        persist_state="session",
        format_func=lambda brin: f"{known[brin]} ({brin})" if known.get(brin) else brin,
        placeholder=t("all"),
    )
    st.sidebar.multiselect(
        t("route"),
        [REGULAR_ROUTE, *ROUTES],
        key="route",
        bind="query-params",
        persist_state="session",
        format_func=lambda r: t("regulier") if r == REGULAR_ROUTE else r,
        placeholder=t("all"),
    )
    st.sidebar.multiselect(
        t("level"), list(LEVELS), key="niveau", bind="query-params", persist_state="session", placeholder=t("all")
    )


def filters() -> Filters:
    """The shared filters as the domain layer takes them."""
    state = st.session_state
    return Filters(tuple(state.get("school") or ()), tuple(state.get("route") or ()), tuple(state.get("niveau") or ()))
