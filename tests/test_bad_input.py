"""Hostile, malformed and oversized input to every form and query string.

Whatever is sent, the portal answers with a page meant for people: never a 500,
a form with problems says so (the error summary on a 422), hostile HTML is
never echoed unescaped, redirects stay on the site, and a request refused for a
missing CSRF token or an oversized body changes nothing.

FORMS below is the table of every form in the app; each entry knows how to
set up what its page needs (a logged-in user, an organisation, a reset token,
an invitation) and which values make a valid submission. The property test
starts from those valid values and replaces a few fields with hostile ones, so
the hostile value reaches the validators and, when they let it through, the
services and the database.
"""

from __future__ import annotations

import io
import itertools
import json
import re
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape
from urllib.parse import quote, urlsplit

import pytest
from flask_babel import force_locale, gettext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update

from portal.accounts import tokens
from portal.accounts.models import User
from portal.core import errorpages
from portal.core.models import OutboxMessage, utcnow
from portal.employers import needs as need_services
from portal.employers import services as employer_services
from portal.employers.enums import (
    DrivingLicence,
    EmploymentForm,
    NeedStatus,
    NeedTimeframe,
    OrgRole,
    PhysicalDemands,
    Sector,
    SizeBand,
    SwedishLevel,
)
from portal.employers.models import Organisation
from portal.extensions import db
from portal.participants.enums import JOB_FORMS, OutcomeStatus
from portal.requests import fields as request_field_table
from portal.requests import services as request_services
from portal.requests.enums import (
    MentorTopic,
    PlacementType,
    RequestKind,
    RequestState,
    SupervisorStatus,
    Venue,
)
from tests import factories
from tests.support import PASSWORD, hidden_inputs

# --- values ---------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
RAW_HOSTILE_HTML = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")

HOSTILE = [
    "A" * 10_000,
    "å" * 3_000,
    "\x00",
    "a\x00b",
    "\x1b[2J\x1b[31mred",
    "\u202eevil\u202c",
    "\x7f",
    "\x08",
    "\t",
    "\r\n",
    " ",
    "",
    SCRIPT,
    IMG,
    "' OR 1=1 --",
    "'; DROP TABLE users; --",
    '" OR ""="',
    "%00",
    "%s%n%x",
    "{{7*7}}${7*7}",
    "😀🇸🇪",
    "İSTANBUL",
    "\ufeff\u200b",
    "Ω≈ç√∫",
    "-1",
    "0",
    "99999999999999999999",
    "1e309",
    "NaN",
    "null",
    "None",
    "javascript:alert(1)",
    "//evil.example/",
    "/\\evil.example",
    "https://evil.example/",
    # E-mail addresses that pass the e-mail validator but are long once encoded.
    "語" * 64 + "@example.se",
    "{" * 64 + "@" + "a" * 60 + ".example.se",
]
UNKNOWN_CHOICES = ["xx", "SE\x00", "sv\x00", "se", "Admin", "admin ", "employer", "owner",
                   "1", SCRIPT]
MISSING = object()
NEW_PASSWORD = "Blåbärs-kanot-vinterbad-1987"

_unique = itertools.count(7_000_000)


def unique() -> int:
    """Unique across examples: hypothesis runs them all in one test's transaction."""
    return next(_unique)


# --- the table of forms ------------------------------------------------------------

@dataclass
class Target:
    """One prepared form: who is logged in, where it is, what a valid submission is."""

    client: object
    url: str
    valid: dict
    get_url: str | None = None


@dataclass
class Form:
    name: str
    url: str  # as documented; prepare() resolves placeholders
    who: str | None  # None (anonymous), "employer", "staff" or "admin"
    fields: tuple[str, ...]
    prepare: Callable  # (client) -> (url, valid values, get_url)
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # What a browser sends with even an empty form: the button pressed.
    button: dict[str, str] = field(default_factory=dict)
    # Settings the form is tried under (e.g. the department's units), set for the test.
    config: dict = field(default_factory=dict)

    def target(self, app, login_as, logged_in: dict | None = None) -> Target:
        """Prepare the form; ``logged_in`` keeps one logged-in client across examples."""
        if not self.who:
            client = app.test_client()
        elif logged_in is None:
            client = login_as(self.who)
        else:
            client = logged_in.get(self.who) or logged_in.setdefault(self.who,
                                                                      login_as(self.who))
            # An earlier example may have changed the password: set it back.
            db.session.execute(update(User).where(User.id == client.user.id)
                               .values(password_hash=factories._password_hash()))
            db.session.commit()
        url, valid, get_url = self.prepare(client)
        return Target(client, url, valid, get_url)


LOCALES = ("sv", "en", "da")
STAFF_ROLES = ("staff", "staff_manager", "admin")
PROFILE_FIELDS = ("name", "street_address", "postal_code", "city", "municipality", "sectors",
                  "size_band", "phone", "website", "description")
PROFILE_CHOICES = {"sectors": tuple(s.value for s in Sector),
                   "size_band": tuple(s.value for s in SizeBand)}


def valid_profile(n: int) -> dict:
    return {"name": f"Hostile Test {n} AB", "street_address": "Storgatan 1",
            "postal_code": "435 33", "city": "Mölnlycke", "municipality": "Härryda",
            "sectors": ["cleaning", "retail"], "size_band": "10-49",
            "phone": "031-724 61 00", "website": "https://example.se/",
            "description": "Vi städar."}


def person(n: int) -> dict:
    return {"full_name": f"Hostile Person {n}", "email": f"hostile{n}@example.se",
            "password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD, "locale": "en"}


def own_org_id(client) -> int:
    return client.user.memberships[0].organisation_id


def _login(client):
    user = factories.make_user("employer")
    return "/login", {"email": user.email, "password": PASSWORD, "next": "/organisation"}, None


def _register(client):
    n = unique()
    return "/register", {"country": "SE", "org_number": factories.org_number(n),
                         **valid_profile(n), **person(n), "accept_terms": "y"}, None


def _join(client):
    n = unique()
    org = factories.make_organisation()
    data = person(n)
    data.update(country=org.country, org_number=org.org_number)
    return "/register/join", data, "/register"


def _resend(client):
    user = factories.make_user("employer", email_confirmed_at=None)
    return "/confirm", {"email": user.email}, None


def _forgot(client):
    user = factories.make_user("employer")
    return "/password/forgot", {"email": user.email}, None


def _reset(client):
    user = factories.make_user("employer")
    token = tokens.make(tokens.RESET, user)
    return f"/password/reset/{token}", {"password": NEW_PASSWORD,
                                        "password_repeat": NEW_PASSWORD}, None


def _account(client):
    return "/account", {"full_name": "Nytt Namn", "locale": "sv"}, None


def _account_staff(client):
    """Staff also choose whether notifications come by mail."""
    return "/account", {"full_name": "Nytt Namn", "locale": "sv", "notify_by_mail": "none"}, \
        None


def _change_password(client):
    return "/account/password", {"current_password": PASSWORD, "password": NEW_PASSWORD,
                                 "password_repeat": NEW_PASSWORD}, None


def _edit_org(client):
    return f"/organisations/{own_org_id(client)}/edit", valid_profile(unique()), None


def _invite(client):
    return f"/organisations/{own_org_id(client)}/invite", {
        "email": f"colleague{unique()}@example.se", "role": "member", "locale": "da"}, None


def invitation_token(email: str | None = None) -> str:
    """A real invitation made by the service; its token read from the queued mail."""
    org = factories.make_organisation()
    inviter = factories.employer_of(org)
    email = email or f"invitee{unique()}@example.se"
    employer_services.invite(org, email=email, role=OrgRole.MEMBER, actor=inviter)
    db.session.commit()
    msg = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == email, OutboxMessage.template == "invitation")
        .order_by(OutboxMessage.id.desc())).first()
    return re.search(r"/invitations/([A-Za-z0-9_-]+)", msg.body_text).group(1)


def _accept(client):
    n = unique()
    data = person(n)
    del data["email"]
    return f"/invitations/{invitation_token()}", data, None


def _staff_new(client):
    n = unique()
    return "/admin/users/new", {"full_name": f"Staff {n}", "email": f"staff{n}@example.se",
                                "role": "staff", "locale": "sv"}, None


def _staff_edit(client):
    target = factories.make_user("staff")
    return f"/admin/users/{target.id}", {"role": "staff_manager", "active": "y"}, None


# --- hiring needs and service requests --------------------------------------------------

NEED_FIELDS = ("occupation_code", "occupation_other", "headcount", "timeframe",
               "employment_form", "hours_per_week", "location", "swedish_level",
               "driving_licence", "shift_work", "physical_demands", "other_requirements",
               "no_formal_education", "plus_languages", "description")
NEED_CHOICES = {"occupation_code": ("9111", "5223", "other"),
                "timeframe": tuple(t.value for t in NeedTimeframe),
                "employment_form": tuple(e.value for e in EmploymentForm),
                "swedish_level": tuple(s.value for s in SwedishLevel),
                "driving_licence": tuple(d.value for d in DrivingLicence),
                "physical_demands": tuple(p.value for p in PhysicalDemands),
                "shift_work": ("y",), "no_formal_education": ("y",)}
REQUEST_CHOICES = {"venue": tuple(v.value for v in Venue),
                   "placement_type": tuple(p.value for p in PlacementType),
                   "supervisor_status": tuple(s.value for s in SupervisorStatus),
                   "topics": tuple(t.value for t in MentorTopic),
                   "guaranteed_interviews": ("y",), "hosts_practical": ("y",),
                   "action": ("submit", "draft")}
STAFF_MOVES = tuple(s.value for s in RequestState)


def valid_need() -> dict:
    return {"occupation_code": "9111", "headcount": "3", "timeframe": "now",
            "employment_form": "permanent", "hours_per_week": "30", "location": "Mölnlycke",
            "swedish_level": "basic", "driving_licence": "B", "shift_work": "y",
            "physical_demands": "moderate", "other_requirements": "Tål damm.",
            "no_formal_education": "y", "plus_languages": "arabiska",
            "description": "Kontorsstädning på morgonen."}


def own_org(client) -> Organisation:
    return db.session.get(Organisation, own_org_id(client))


def _new_need(client):
    return f"/organisations/{own_org_id(client)}/needs/new", valid_need(), None


def _edit_need(client):
    org = own_org(client)
    need = factories.make_need(org, created_by=client.user)
    return f"/organisations/{org.id}/needs/{need.id}/edit", {
        **valid_need(), "headcount": "5", "version_id": str(need.version_id)}, None


def _need_status(client):
    org = own_org(client)
    need = factories.make_need(org, created_by=client.user)
    return f"/organisations/{org.id}/needs/{need.id}/status", {"status": "filled"}, \
        f"/organisations/{org.id}/needs"


def request_form(kind: str) -> dict:
    """factories.request_values as a browser sends them: text, dates as YYYY-MM-DD."""
    out = {}
    for name, value in factories.request_values(kind).items():
        if isinstance(value, bool):
            if value:
                out[name] = "y"
        elif isinstance(value, date):
            out[name] = value.isoformat()
        elif isinstance(value, list):
            out[name] = list(value)
        else:
            out[name] = str(value)
    return out


def request_fields(kind: str, *extra: str) -> tuple[str, ...]:
    return (*request_field_table.names(RequestKind(kind)), "needs", "action", *extra)


def _new_request(kind: str, action: str):
    def prepare(client):
        org = own_org(client)
        # An open need, so the form has its "needs" checkboxes too.
        need = factories.make_need(org, created_by=client.user)
        return f"/organisations/{org.id}/requests/new/{kind}", {
            **request_form(kind), "needs": [str(need.id)], "action": action}, None

    return prepare


def _new_draft(client):
    """Half done, saved with "Save as draft"."""
    org = own_org(client)
    need = factories.make_need(org, created_by=client.user)
    start = request_form("placement")["period_start"]
    return f"/organisations/{org.id}/requests/new/placement", {
        "roles": "Lagerarbetare", "headcount": "2", "period_start": start,
        "needs": [str(need.id)], "action": "draft"}, None


def needs_info_request(org: Organisation, actor: User, kind: str = "placement"):
    """A submitted request the coordinator has sent back with comments."""
    req = factories.make_request(org, actor, kind, submit=True)
    request_services.transition(req, RequestState.NEEDS_INFO,
                                actor=factories.make_user("staff"),
                                reason="Vi behöver veta mer.",
                                field_comments={"tasks": "Beskriv arbetsuppgifterna."})
    db.session.commit()
    return req


def _edit_request(state: str):
    def prepare(client):
        org = own_org(client)
        need = factories.make_need(org, created_by=client.user)
        if state == "draft":
            req = factories.make_request(org, client.user, "placement", needs=[need])
        else:
            req = needs_info_request(org, client.user)
        return f"/organisations/{org.id}/requests/{req.id}/edit", {
            **request_form("placement"), "tasks": "Plock, pack och inventering",
            "needs": [str(need.id)], "action": "submit",
            "version_id": str(req.version_id)}, None

    return prepare


def _withdraw(client):
    org = own_org(client)
    req = factories.make_request(org, client.user, "recruitment_event", submit=True)
    return f"/organisations/{org.id}/requests/{req.id}/withdraw", {
        "version_id": str(req.version_id), "reason": "Vi har redan anställt."}, None


def _employer_message(client):
    org = own_org(client)
    req = factories.make_request(org, client.user, "placement", submit=True)
    view = f"/organisations/{org.id}/requests/{req.id}"
    return f"{view}/messages", {"body": "Hej! Kan ni börja i maj?"}, view


def _mark_read(client):
    org = own_org(client)
    req = factories.make_request(org, client.user, "placement", submit=True)
    request_services.post_message(req, author=factories.make_user("staff"),
                                  body="Hej, vi har en fråga.")
    db.session.commit()
    return f"/organisations/{org.id}/messages/read", {"request_id": str(req.id)}, \
        "/organisation"


def submitted_request(kind: str = "placement"):
    org = factories.make_organisation()
    return factories.make_request(org, factories.employer_of(org), kind, submit=True)


def _transition(client):
    req = submitted_request()
    return f"/staff/requests/{req.id}/transition", {
        "to": "needs_info", "version_id": str(req.version_id),
        "reason": "Vi behöver veta mer.", "comment-tasks": "Beskriv arbetsuppgifterna.",
        "comment-hours_per_week": "Stämmer 30 timmar?"}, f"/staff/requests/{req.id}"


def _staff_message(client):
    req = submitted_request()
    return f"/staff/requests/{req.id}/messages", {"body": "Hej! Vi återkommer."}, \
        f"/staff/requests/{req.id}"


def _staff_note(client):
    req = submitted_request()
    return f"/staff/requests/{req.id}/notes", {"body": "Ringde, inget svar."}, \
        f"/staff/requests/{req.id}"


def _intake(client):
    """Staff take a placement request by phone for an organisation."""
    org = factories.make_organisation()
    need = factories.make_need(org)
    return f"/staff/requests/organisations/{org.id}/new/placement", {
        **request_form("placement"), "needs": [str(need.id)]}, None


def _staff_assign(client):
    req = submitted_request()
    return f"/staff/requests/{req.id}/assign", {
        "assignee": "me", "version_id": str(req.version_id), "next": "/staff/requests/"}, \
        f"/staff/requests/{req.id}"


def _staff_bulk(client):
    reqs = [submitted_request(), submitted_request()]
    return "/staff/requests/bulk", {
        "ids": [str(r.id) for r in reqs], "bulk_action": "state:in_review",
        "confirm": "yes", "next": "/staff/requests/"}, "/staff/requests/"


def _staff_analysis(client, *, final: bool = False):
    from portal.analyses import services as analyses
    from portal.core.dates import local_today

    org = factories.make_organisation()
    need = factories.make_need(org)
    analysis = analyses.start(org, actor=client.user, need_ids=[need.id])
    if final:
        analyses.save_draft(analysis, values={
            "meeting_date": local_today(), "participants": "HR", "actions": ["placements"],
            "follow_up_date": local_today().replace(year=local_today().year + 1)},
            lines=analyses.line_values(analysis.draft), actor=client.user,
            expected_version=None)
        analyses.finalise(analysis, actor=client.user, expected_version=None)
    db.session.commit()
    return org, analysis


def _analysis_start(client):
    org = factories.make_organisation()
    need = factories.make_need(org)
    req = factories.make_request(org, factories.employer_of(org), "tailored_course",
                                 submit=True)
    return f"/staff/organisations/{org.id}/analyses/new", {
        "meeting_date": "2026-11-02", "request_ids": [str(req.id)],
        "need_ids": [str(need.id)]}, None


def _analysis_edit(client):
    _org, analysis = _staff_analysis(client)
    return f"/staff/analyses/{analysis.id}/edit", {
        "version_id": str(analysis.version_id), "meeting_date": "2026-11-02",
        "participants": "Anna (HR), Lena (kommunen)", "skills_gaps": "Svenska för yrket.",
        "actions": ["tailored_course"], "actions_note": "En kurs på 14 veckor.",
        "follow_up_date": "2027-02-01", "line-0-occupation_code": "9111",
        "line-0-occupation_other": "", "line-0-headcount": "5",
        "line-0-timeframe": "now", "line-0-requirements": "B-körkort",
        "line-0-training_needed": "y", "finalise": "1"}, None


def _analysis_action(action: str):
    def prepare(client):
        _org, analysis = _staff_analysis(client, final=action == "revise")
        view = f"/staff/analyses/{analysis.id}"
        return f"{view}/{action}", {"version_id": str(analysis.version_id)}, view

    return prepare


def _analysis_respond(client):
    org = own_org(client)
    staff = factories.make_user("staff")
    from portal.analyses import services as analyses
    from portal.core.dates import local_today

    analysis = analyses.start(org, actor=staff, meeting_date=local_today())
    analyses.save_draft(analysis, values={
        "participants": "HR", "actions": ["placements"],
        "follow_up_date": local_today().replace(year=local_today().year + 1)},
        lines=[{"occupation_code": "9111", "headcount": 2, "timeframe": "now"}],
        actor=staff, expected_version=None)
    analyses.finalise(analysis, actor=staff, expected_version=None)
    db.session.commit()
    return f"/organisations/{org.id}/analyses/{analysis.id}", {
        "kind": "commented", "comment": "Vi behöver också kockar."}, None


def _cohort_for(client):
    from portal.core.dates import local_today
    from portal.training import services as training

    cohort = training.create_cohort(values={
        "title": "Lokalvård", "sector": "cleaning", "occupation_code": "9111",
        "provider": "adult_education", "weeks": 14, "seats": 15,
        "start_date": local_today()}, actor=factories.make_user("staff"))
    db.session.commit()
    return cohort


COHORT_VALUES = {"title": "Lokalvård", "sector": "cleaning", "occupation_code": "9111",
                 "occupation_other": "", "provider": "adult_education",
                 "provider_name": "Komvux", "weeks": "14", "start_date": "2027-03-01",
                 "weekly_hours": "30", "location": "Mölnlycke", "seats": "15",
                 "language_support": "Svenska för yrket", "description": "Med praktik."}
COHORT_FIELDS = tuple(COHORT_VALUES)
COHORT_CHOICES = {"sector": tuple(Sector), "occupation_code": ("9111", "5223", "other"),
                  "provider": ("adult_education", "vocational_college", "external")}


def _cohort_new(client):
    org = factories.make_organisation()
    req = factories.make_request(org, factories.employer_of(org), "tailored_course",
                                 submit=True)
    return "/staff/cohorts/new", {**COHORT_VALUES, "request_ids": [str(req.id)]}, None


def _cohort_edit(client):
    cohort = _cohort_for(client)
    return f"/staff/cohorts/{cohort.id}/edit", {
        **COHORT_VALUES, "version_id": str(cohort.version_id)}, None


def _cohort_transition(client):
    cohort = _cohort_for(client)
    view = f"/staff/cohorts/{cohort.id}"
    return f"{view}/transition", {"to": "cancelled", "reason": "För få deltagare.",
                                  "version_id": str(cohort.version_id)}, view


def _cohort_commit(client):
    cohort = _cohort_for(client)
    org = factories.make_organisation(sectors=["cleaning"])
    view = f"/staff/cohorts/{cohort.id}"
    return f"{view}/commitments", {"organisation_id": str(org.id), "interviews": "y",
                                   "hires": "2", "hosts_practical": "y",
                                   "note": "Två anställningar."}, view


def _cohort_interest(client):
    org = own_org(client)
    cohort = _cohort_for(client)
    return f"/organisations/{org.id}/cohorts/{cohort.id}", {
        "note": "Vi kan ta två på praktik."}, None


PARTICIPANT_VALUES = {"first_name": "Amina", "last_name": "Yusuf",
                      "case_reference": "AME-2026-0113", "email": "amina@example.se",
                      "phone": "070-123 45 67", "languages": "Somaliska",
                      "driving_licence": "none", "sectors": ["cleaning", "care"],
                      "profile_note": "Kan arbeta kvällar.",
                      "intake_on": (date.today() - timedelta(days=3)).isoformat()}
# What the services take: the form's values without the typed date (the intake is then
# today), for the setups that register someone through the services.
PARTICIPANT_SERVICE_VALUES = {k: v for k, v in PARTICIPANT_VALUES.items() if k != "intake_on"}
PARTICIPANT_CHOICES = {"driving_licence": tuple(DrivingLicence), "sectors": tuple(Sector)}
# A department with units: the participant's form asks for one (PORTAL_UNITS).
UNITS = ("Jobbcenter", "Kommunservice")
WITH_UNITS = {"PORTAL_UNITS": list(UNITS)}


def _participant_new(client):
    return "/staff/participants/new", {
        **PARTICIPANT_VALUES, "case_reference": f"AME-{factories.org_number()}"}, None


def _participant_edit(client, unit: str = ""):
    from portal.participants import services as participants

    person = participants.create(values={**PARTICIPANT_SERVICE_VALUES, "unit": unit,
                                         "case_reference": f"AME-{factories.org_number()}"},
                                 sectors=["cleaning"], actor=factories.make_user("staff"))
    db.session.commit()
    return f"/staff/participants/{person.id}/edit", {
        **PARTICIPANT_VALUES, "case_reference": person.case_reference,
        "version_id": str(person.version_id), **({"unit": unit} if unit else {})}, None


def _participant_new_in_unit(client):
    url, valid, get_url = _participant_new(client)
    return url, {**valid, "unit": "Kommunservice"}, get_url


def _participant_edit_in_unit(client):
    return _participant_edit(client, unit="Jobbcenter")


# --- supervisors ---------------------------------------------------------------------------

SUPERVISOR_PERIODS = ("period1_from", "period1_to", "period2_from", "period2_to",
                      "period3_from", "period3_to")
SUPERVISOR_PROFILE = ("full_name", "email", "phone", "job_title", "sectors", "tasks",
                      "languages", "capacity", *SUPERVISOR_PERIODS)
SUPERVISOR_CHOICES = {"sectors": tuple(Sector), "workplace": ("organisation", "department"),
                      "consent": ("y",), "locale": LOCALES}


def supervisor_values(n: int) -> dict:
    from datetime import timedelta

    from portal.core.dates import local_today

    today = local_today()
    return {"full_name": f"Handledare {n}", "email": f"handledare{n}@example.se",
            "phone": "070-123 45 67", "job_title": "Arbetsledare",
            "sectors": ["cleaning", "care"], "tasks": "Städning av kontor.",
            "languages": "svenska, arabiska", "capacity": "2",
            "period1_from": today.isoformat(),
            "period1_to": (today + timedelta(days=90)).isoformat()}


def _supervisor_sign_up(client):
    org = factories.make_organisation()
    return "/supervisors/sign-up", {
        **supervisor_values(unique()), "workplace": "organisation",
        "org_number": org.display_number, "department": "Hemtjänsten",
        "municipality": "Härryda", "consent": "y"}, None


def _supervisor_confirm(client):
    """A colleague registered by their employer's admin consents on the confirmation page."""
    from portal.supervisors import services as supervisors

    org = factories.make_organisation()
    supervisor = factories.make_supervisor(org, status="unconfirmed", with_account=False,
                                           registered_by_id=factories.employer_of(org).id)
    return f"/supervisors/confirm/{supervisors.confirm_token(supervisor)}", \
        {"consent": "y"}, None


def _supervisor_colleague(client):
    return f"/organisations/{own_org_id(client)}/supervisors", {
        **supervisor_values(unique()), "locale": "da"}, None


def _supervisor_profile(client):
    """The logged-in supervisor account's own, approved profile (made once per account)."""
    from portal.supervisors.models import Supervisor

    found = db.session.scalar(select(Supervisor).where(Supervisor.user_id == client.user.id))
    if found is None:
        found = factories.make_supervisor(email=client.user.email, with_account=False,
                                          user_id=client.user.id)
    values = supervisor_values(0)
    return "/supervisor/profile", {
        **{k: values[k] for k in ("phone", "tasks", "languages", "capacity", "period1_from",
                                  "period1_to")}, "version_id": str(found.version_id)}, None


def _supervisor_decision(status: str, action: str):
    def prepare(client):
        supervisor = factories.make_supervisor(status=status)
        view = f"/staff/supervisors/{supervisor.id}"
        valid = {"version_id": str(supervisor.version_id)}
        if action in ("decline", "deactivate"):
            valid["reason"] = "Har slutat på arbetsplatsen."
        return f"{view}/{action}", valid, view

    return prepare


def _enrolled(client):
    from portal.participants import services as participants
    from portal.training import enrolment

    cohort = _cohort_for(client)
    person = participants.create(values={
        **PARTICIPANT_SERVICE_VALUES, "case_reference": f"AME-{factories.org_number()}"},
        sectors=["cleaning"], actor=factories.make_user("staff"))
    placed = enrolment.enrol(cohort, person, actor=factories.make_user("staff"))
    db.session.commit()
    return cohort, person, placed


def _enrol(client):
    from portal.participants import services as participants

    cohort = _cohort_for(client)
    person = participants.create(values={
        **PARTICIPANT_SERVICE_VALUES, "case_reference": f"AME-{factories.org_number()}"},
        sectors=["cleaning"], actor=factories.make_user("staff"))
    db.session.commit()
    view = f"/staff/cohorts/{cohort.id}"
    return f"{view}/enrolments", {"case_reference": person.case_reference}, view


def _enrolment_change(client):
    from portal.core.dates import local_today

    cohort, _person, placed = _enrolled(client)
    view = f"/staff/cohorts/{cohort.id}"
    return f"{view}/enrolments/{placed.id}", {
        "action": "drop_out", "on": local_today().isoformat(), "reason": "Fick jobb.",
        "version_id": str(placed.version_id)}, view


def _attendance(client):
    from portal.training import services as training
    from portal.training.enums import CohortState

    cohort, _person, placed = _enrolled(client)
    staff = factories.make_user("staff")
    training.transition(cohort, CohortState.RECRUITING, actor=staff)
    training.transition(cohort, CohortState.RUNNING, actor=staff)
    db.session.commit()
    return f"/staff/cohorts/{cohort.id}/attendance", {
        "enrolment_id": [str(placed.id)], "present": ["30"], "absent": ["2"]}, None


def _outcome(client):
    from portal.training import enrolment

    cohort, _person, placed = _enrolled(client)
    enrolment.change(placed, "complete", actor=factories.make_user("staff"))
    db.session.commit()
    return f"/staff/cohorts/{cohort.id}/outcomes/{placed.id}/end", {
        "status": "employed", "employer_name": "Hotell Kusten", "organisation_id": "",
        "employment_form": "fixed_term", "weekly_hours": "30", "note": "Vikariat",
        "recorded_on": ""}, None


EVENT_VALUES = {"title": "Rekryteringsträff lokalvård", "sector": "cleaning",
                "occupation_code": "9111", "occupation_other": "", "event_date": "2027-03-01",
                "start_time": "09:00", "end_time": "12:00", "location": "Medborgarhuset",
                "online_url": "https://mote.example.se/traff", "capacity": "20",
                "description": "Träffa arbetsgivare."}
EVENT_FIELDS = tuple(EVENT_VALUES)
EVENT_CHOICES = {"sector": tuple(Sector), "occupation_code": ("", "9111", "5223", "other")}


def _event_for(client, **over):
    from portal.core.dates import local_today

    return factories.make_event(event_date=local_today().replace(year=local_today().year + 1),
                                **over)


def _event_new(client):
    org = factories.make_organisation()
    req = factories.make_request(org, factories.employer_of(org), "recruitment_event",
                                 submit=True)
    return "/staff/events/new", {**EVENT_VALUES, "request_ids": [str(req.id)]}, None


def _event_edit(client):
    event = _event_for(client)
    return f"/staff/events/{event.id}/edit", {
        **EVENT_VALUES, "version_id": str(event.version_id)}, None


def _event_transition(client):
    event = _event_for(client)
    view = f"/staff/events/{event.id}"
    return f"{view}/transition", {"to": "cancelled", "reason": "Ingen lokal.",
                                  "version_id": str(event.version_id)}, view


def _event_organisation(client):
    event = _event_for(client)
    org = factories.make_organisation(sectors=["cleaning"])
    view = f"/staff/events/{event.id}"
    return f"{view}/organisations", {"organisation_id": str(org.id), "role": "recruiter",
                                     "vacancies": "3"}, view


def _event_organisation_remove(client):
    org = factories.make_organisation(sectors=["cleaning"])
    event = _event_for(client, organisations=[org])
    view = f"/staff/events/{event.id}"
    return f"{view}/organisations/remove", {"organisation_id": str(org.id)}, view


def _event_invite(client):
    event = _event_for(client)
    person = factories.make_participant()
    view = f"/staff/events/{event.id}"
    return f"{view}/invitations", {"case_reference": person.case_reference}, view


def _held_event_with(org=None):
    from datetime import timedelta

    from portal.core.dates import local_today
    from portal.events import services as events
    from portal.events.enums import EventState

    staff = factories.make_user("staff")
    event = factories.make_event(staff, organisations=[org] if org else [],
                                 event_date=local_today() - timedelta(days=1))
    invitation = events.invite(event, factories.make_participant(actor=staff), actor=staff)
    events.transition(event, EventState.HELD, actor=staff)
    db.session.commit()
    return event, invitation


def _event_attendance(client):
    event, invitation = _held_event_with()
    return f"/staff/events/{event.id}/attendance", {
        "invitation_id": [str(invitation.id)], "attendance": ["attended"]}, None


def _event_results(client):
    from portal.events import services as events

    org = factories.make_organisation(sectors=["cleaning"])
    event, invitation = _held_event_with(org)
    events.save_attendance(event, {invitation.id: "attended"}, actor=client.user)
    db.session.commit()
    participation = events.participation_for(event, org)
    return f"/staff/events/{event.id}/results?org={org.id}", {
        "interviews": "2", "offers": "1", "hires": "1",
        "hired": [str(invitation.participant_id)],
        "version_id": str(participation.version_id)}, None


def _event_respond(client):
    org = own_org(client)
    event = _event_for(client, organisations=[org])
    return f"/organisations/{org.id}/events/{event.id}", {"answer": "confirmed"}, None


# --- mentor training ---------------------------------------------------------------------

MENTOR_FIELDS = ("title", "session_date", "start_time", "end_time", "location", "online_url",
                 "capacity", "topics", "description")
MENTOR_CHOICES = {"topics": tuple(t.value for t in MentorTopic)}


def mentor_form() -> dict:
    from datetime import timedelta

    from portal.core.dates import local_today

    return {"title": "Mentorsutbildning", "session_date":
            (local_today() + timedelta(days=30)).isoformat(), "start_time": "13:00",
            "end_time": "16:00", "location": "Kommunhuset",
            "online_url": "https://mote.example.se/m", "capacity": "12",
            "topics": ["supervising_intern"], "description": "Att ta emot en praktikant."}


def _mentor_new(client):
    req = submitted_request("mentor_training")
    return f"/staff/mentor-training/new?request_id={req.id}", mentor_form(), None


def _mentor_edit(client):
    session = factories.make_mentor_session()
    return f"/staff/mentor-training/{session.id}/edit", {
        **mentor_form(), "version_id": str(session.version_id)}, None


def _mentor_cancel(client):
    session = factories.make_mentor_session()
    view = f"/staff/mentor-training/{session.id}"
    return f"{view}/cancel", {"reason": "Kursledaren är sjuk.",
                              "version_id": str(session.version_id)}, view


def _mentor_held(client):
    from portal.core.dates import local_today

    session = factories.make_mentor_session(session_date=local_today())
    view = f"/staff/mentor-training/{session.id}"
    return f"{view}/held", {"version_id": str(session.version_id)}, view


def _mentor_sign_up(client):
    session = factories.make_mentor_session()
    supervisor = factories.make_supervisor()
    view = f"/staff/mentor-training/{session.id}"
    return f"{view}/seats", {"supervisor_id": str(supervisor.id)}, view


def _mentor_attendance(client):
    from datetime import timedelta

    from portal.core.dates import local_today
    from portal.mentor_training import services as mentor

    session = factories.make_mentor_session(session_date=local_today() - timedelta(days=1))
    seat = mentor.sign_up(session, factories.make_supervisor(), actor=client.user,
                          today=session.session_date)
    db.session.commit()
    return f"/staff/mentor-training/{session.id}/attendance", {
        "seat_id": [str(seat.id)], "attended": ["yes"]}, None


def _mentor_employer_sign_up(client):
    org = own_org(client)
    session = factories.make_mentor_session(organisation_id=org.id)
    supervisor = factories.make_supervisor(org)
    return f"/organisations/{org.id}/mentor-training", {
        "session_id": str(session.id), "supervisor_id": str(supervisor.id)}, None


OUTCOME_FIELDS = ("version_id", "status", "organisation_id", "employer_name",
                  "employment_form", "weekly_hours", "note", "recorded_on")


ANALYSIS_FIELDS = ("version_id", "meeting_date", "participants", "skills_gaps", "actions",
                   "actions_note", "follow_up_date", "line-0-occupation_code",
                   "line-0-occupation_other", "line-0-headcount", "line-0-timeframe",
                   "line-0-requirements", "line-0-training_needed", "line-0-remove",
                   "finalise")
ANALYSIS_CHOICES = {
    "actions": ("recruitment_event", "tailored_course", "placements", "mentor_training"),
    "line-0-occupation_code": ("9111", "5223", "other"),
    "line-0-timeframe": tuple(NeedTimeframe), "line-0-training_needed": ("y",),
    "line-0-remove": ("y",), "finalise": ("1",)}


# A request form is sent with one of its buttons; "Submit" is the one that checks it all.
SUBMIT = {"action": "submit"}
EDIT_REQUEST_FIELDS = request_fields("placement", "version_id", "submission_key")
KINDS = ("recruitment_event", "tailored_course", "placement", "mentor_training")
TRANSITION_FIELDS = ("to", "version_id", "reason", "list", "then", "comment-tasks",
                     "comment-hours_per_week", "comment-roles")


# --- placements -----------------------------------------------------------------------------

PLACEMENT_FIELDS = ("organisation_id", "supervisor_id", "placement_type", "sector",
                    "starts_on", "ends_on", "weekly_hours", "tasks")
PLACEMENT_CHOICES = {"placement_type": tuple(PlacementType), "sector": tuple(Sector)}


def _placement_values(org, supervisor) -> dict:
    from datetime import timedelta

    from portal.core.dates import local_today

    today = local_today()
    return {"organisation_id": str(org.id), "supervisor_id": str(supervisor.id),
            "placement_type": "internship", "sector": "cleaning",
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=60)).isoformat(), "weekly_hours": "30",
            "tasks": "Städning av kontor"}


def _placement_in(state: str, **over):
    """A placement through the services (so its follow-ups exist), in ``state``."""
    from portal.core.dates import local_today
    from portal.placements import services as placements

    staff = factories.make_user("staff")
    org = factories.make_organisation()
    supervisor = factories.make_supervisor(org, trained_on=local_today())
    person = factories.make_participant(actor=staff)
    values = {**_placement_values(org, supervisor), **over}
    values = {**values, "organisation_id": org.id, "supervisor_id": supervisor.id,
              "weekly_hours": int(values["weekly_hours"]),
              "starts_on": date.fromisoformat(values["starts_on"]),
              "ends_on": date.fromisoformat(values["ends_on"])}
    placement = placements.create(person, values=values, actor=staff)
    if state in ("agreed", "active", "ended"):
        placements.agree(placement, actor=staff)
    if state in ("active", "ended"):
        placements.activate(placement, actor=staff, today=values["starts_on"])
    if state == "ended":
        placements.end(placement, actor=staff, ending=placements.Ending(
            values["ends_on"], "continued_search"), today=local_today())
    db.session.commit()
    return placement, org, supervisor


def _placement_new(client):
    staff = factories.make_user("staff")
    org = factories.make_organisation()
    supervisor = factories.make_supervisor(org)
    person = factories.make_participant(actor=staff)
    return "/staff/placements/new", {**_placement_values(org, supervisor),
                                     "case_reference": person.case_reference}, None


def _placement_edit(client):
    placement, org, supervisor = _placement_in("proposed")
    return f"/staff/placements/{placement.id}/edit", {
        **_placement_values(org, supervisor), "weekly_hours": "20",
        "version_id": str(placement.version_id)}, None


def _placement_agree(client):
    placement, _org, _supervisor = _placement_in("proposed")
    return f"/staff/placements/{placement.id}/agree", {"confirm": "y"}, None


def _placement_activate(client):
    placement, _org, _supervisor = _placement_in("agreed")
    view = f"/staff/placements/{placement.id}"
    return f"{view}/activate", {"version_id": str(placement.version_id)}, view


def _placement_end(client):
    from portal.core.dates import local_today

    placement, _org, _supervisor = _placement_in("active")
    return f"/staff/placements/{placement.id}/end", {
        "ended_on": local_today().isoformat(), "outcome": "hired_by_host",
        "employer_name": "", "reason": ""}, None


def _placement_cancel(client):
    placement, _org, _supervisor = _placement_in("proposed")
    return f"/staff/placements/{placement.id}/cancel", {"reason": "Deltagaren flyttade."}, None


def _placement_follow_up(client):
    placement, _org, _supervisor = _placement_in("agreed")
    return f"/staff/placements/{placement.id}/follow-ups/check_in", {"note": "Bra start."}, \
        None


def _placement_follow_up_outcome(client):
    from datetime import timedelta

    from portal.core.dates import local_today

    start = local_today() - timedelta(days=200)
    placement, _org, _supervisor = _placement_in(
        "ended", starts_on=start.isoformat(), ends_on=(start + timedelta(days=60)).isoformat())
    return f"/staff/placements/{placement.id}/follow-ups/outcome", {
        "status": "employed", "employer_name": "Hotell Kusten", "organisation_id": "",
        "employment_form": "fixed_term", "weekly_hours": "30", "note": "Vikariat",
        "recorded_on": ""}, None


def _placement_check_in(client):
    """The supervisor of an active placement, logged in on this (anonymous) client."""
    from tests.support import submit

    placement, _org, supervisor = _placement_in("active")
    response = submit(client, "/login", {"email": supervisor.user.email,
                                         "password": PASSWORD})
    assert response.status_code == 302
    client.user = supervisor.user
    return f"/supervisor/placements/{placement.id}/check-in", {
        "rating": "good", "hours": "30", "concerns": "Inget att rapportera."}, None


FORMS = [
    Form("login", "/login", None, ("email", "password", "next"), _login),
    Form("register", "/register", None,
         ("country", "org_number", *PROFILE_FIELDS, "full_name", "email", "password",
          "password_repeat", "locale", "accept_terms", "join_existing", "submission_key"),
         _register, {"country": ("SE", "DK"), **PROFILE_CHOICES, "locale": LOCALES,
                     "accept_terms": ("y",)}),
    Form("join", "/register/join", None,
         ("country", "org_number", "full_name", "email", "password", "password_repeat",
          "locale", "submission_key"), _join, {"locale": LOCALES}),
    Form("resend-confirmation", "/confirm", None, ("email",), _resend),
    Form("forgot-password", "/password/forgot", None, ("email",), _forgot),
    Form("reset-password", "/password/reset/<valid token>", None,
         ("password", "password_repeat"), _reset),
    Form("account", "/account", "employer", ("full_name", "locale"), _account,
         {"locale": LOCALES}),
    Form("account-staff", "/account", "staff", ("full_name", "locale", "notify_by_mail"),
         _account_staff, {"locale": LOCALES, "notify_by_mail": ("each", "none")}),
    Form("change-password", "/account/password", "employer",
         ("current_password", "password", "password_repeat"), _change_password),
    Form("edit-organisation", "/organisations/<own id>/edit", "employer",
         (*PROFILE_FIELDS, "version_id"), _edit_org, PROFILE_CHOICES),
    Form("invite", "/organisations/<own id>/invite", "employer",
         ("email", "role", "locale", "submission_key"), _invite,
         {"role": ("member", "admin"), "locale": LOCALES}),
    Form("accept-invitation", "/invitations/<token>", None,
         ("full_name", "password", "password_repeat", "locale"), _accept, {"locale": LOCALES}),
    Form("staff-new", "/admin/users/new", "admin",
         ("full_name", "email", "role", "locale", "submission_key"), _staff_new,
         {"role": STAFF_ROLES, "locale": LOCALES}),
    Form("staff-edit", "/admin/users/<id>", "admin", ("role", "active"), _staff_edit,
         {"role": STAFF_ROLES, "active": ("y",)}),
    Form("new-need", "/organisations/<own id>/needs/new", "employer",
         (*NEED_FIELDS, "submission_key"), _new_need, NEED_CHOICES),
    Form("edit-need", "/organisations/<own id>/needs/<id>/edit", "employer",
         (*NEED_FIELDS, "version_id"), _edit_need, NEED_CHOICES),
    Form("need-status", "/organisations/<own id>/needs/<id>/status", "employer", ("status",),
         _need_status, {"status": ("open", "filled", "archived")}),
    *(Form(f"new-request-{kind}", f"/organisations/<own id>/requests/new/{kind}", "employer",
           request_fields(kind, "submission_key"), _new_request(kind, "submit"),
           REQUEST_CHOICES, SUBMIT) for kind in KINDS),
    Form("new-request-draft", "/organisations/<own id>/requests/new/placement", "employer",
         request_fields("placement", "submission_key"), _new_draft, REQUEST_CHOICES, SUBMIT),
    Form("edit-request-draft", "/organisations/<own id>/requests/<id>/edit", "employer",
         EDIT_REQUEST_FIELDS, _edit_request("draft"), REQUEST_CHOICES, SUBMIT),
    Form("edit-request-needs-info", "/organisations/<own id>/requests/<id>/edit", "employer",
         EDIT_REQUEST_FIELDS, _edit_request("needs_info"), REQUEST_CHOICES, SUBMIT),
    Form("withdraw-request", "/organisations/<own id>/requests/<id>/withdraw", "employer",
         ("version_id", "reason"), _withdraw),
    Form("employer-message", "/organisations/<own id>/requests/<id>/messages", "employer",
         ("body",), _employer_message),
    Form("mark-read", "/organisations/<own id>/messages/read", "employer", ("request_id",),
         _mark_read),
    Form("staff-transition", "/staff/requests/<id>/transition", "staff", TRANSITION_FIELDS,
         _transition, {"to": STAFF_MOVES}),
    Form("staff-message", "/staff/requests/<id>/messages", "staff", ("body",),
         _staff_message),
    Form("staff-note", "/staff/requests/<id>/notes", "staff", ("body",), _staff_note),
    Form("staff-assign", "/staff/requests/<id>/assign", "staff", ("assignee", "next"),
         _staff_assign, {"assignee": ("me", "none")}),
    Form("staff-bulk", "/staff/requests/bulk", "staff",
         ("ids", "bulk_action", "confirm", "next"), _staff_bulk,
         {"bulk_action": ("assign:me", "assign:none", "state:in_review", "state:completed"),
          "confirm": ("yes",)}),
    Form("staff-intake", "/staff/requests/organisations/<id>/new/placement", "staff",
         tuple(f for f in request_fields("placement", "submission_key") if f != "action"),
         _intake, REQUEST_CHOICES),
    Form("analysis-start", "/staff/organisations/<id>/analyses/new", "staff",
         ("meeting_date", "request_ids", "need_ids", "submission_key"), _analysis_start),
    Form("analysis-edit", "/staff/analyses/<id>/edit", "staff", ANALYSIS_FIELDS,
         _analysis_edit, ANALYSIS_CHOICES),
    *(Form(f"analysis-{action}", f"/staff/analyses/<id>/{action}", "staff", ("version_id",),
           _analysis_action(action)) for action in ("finalise", "revise", "discard")),
    Form("analysis-respond", "/organisations/<own id>/analyses/<id>", "employer",
         ("kind", "comment"), _analysis_respond, {"kind": ("confirmed", "commented")}),
    Form("cohort-new", "/staff/cohorts/new", "staff",
         (*COHORT_FIELDS, "request_ids", "analysis_ids", "submission_key"), _cohort_new,
         COHORT_CHOICES),
    Form("cohort-edit", "/staff/cohorts/<id>/edit", "staff", (*COHORT_FIELDS, "version_id"),
         _cohort_edit, COHORT_CHOICES),
    Form("cohort-transition", "/staff/cohorts/<id>/transition", "staff",
         ("to", "reason", "version_id"), _cohort_transition,
         {"to": ("recruiting", "cancelled")}),
    Form("cohort-commit", "/staff/cohorts/<id>/commitments", "staff",
         ("organisation_id", "interviews", "hires", "hosts_practical", "note"),
         _cohort_commit, {"interviews": ("y",), "hosts_practical": ("y",)}),
    Form("cohort-interest", "/organisations/<own id>/cohorts/<id>", "employer", ("note",),
         _cohort_interest),
    Form("enrol", "/staff/cohorts/<id>/enrolments", "staff", ("case_reference",), _enrol),
    Form("enrolment-change", "/staff/cohorts/<id>/enrolments/<id>", "staff",
         ("action", "on", "reason", "version_id"), _enrolment_change,
         {"action": ("accept", "decline", "complete", "drop_out", "withdraw")}),
    Form("attendance", "/staff/cohorts/<id>/attendance", "staff",
         ("enrolment_id", "present", "absent"), _attendance),
    Form("screening", "/admin/screening/cleaning", "admin", ("version_id", "questions"),
         lambda client: ("/admin/screening/cleaning",
                         {"questions": "Kan du börja klockan sex?"}, None)),
    Form("outcome", "/staff/cohorts/<id>/outcomes/<id>/end", "staff", OUTCOME_FIELDS,
         _outcome, {"status": tuple(OutcomeStatus),
                    "employment_form": ("", *JOB_FORMS)}),
    Form("event-new", "/staff/events/new", "staff",
         (*EVENT_FIELDS, "request_ids", "submission_key"), _event_new, EVENT_CHOICES),
    Form("event-edit", "/staff/events/<id>/edit", "staff", (*EVENT_FIELDS, "version_id"),
         _event_edit, EVENT_CHOICES),
    Form("event-transition", "/staff/events/<id>/transition", "staff",
         ("to", "reason", "version_id"), _event_transition, {"to": ("held", "cancelled")}),
    Form("event-organisation", "/staff/events/<id>/organisations", "staff",
         ("organisation_id", "role", "vacancies"), _event_organisation,
         {"role": ("recruiter", "host", "partner")}),
    Form("event-organisation-remove", "/staff/events/<id>/organisations/remove", "staff",
         ("organisation_id",), _event_organisation_remove),
    Form("event-invite", "/staff/events/<id>/invitations", "staff", ("case_reference",),
         _event_invite),
    Form("event-attendance", "/staff/events/<id>/attendance", "staff",
         ("invitation_id", "attendance"), _event_attendance,
         {"attendance": ("invited", "attended", "absent")}),
    Form("event-results", "/staff/events/<id>/results?org=<id>", "staff",
         ("interviews", "offers", "hires", "hired", "version_id"), _event_results),
    Form("event-respond", "/organisations/<own id>/events/<id>", "employer", ("answer",),
         _event_respond, {"answer": ("confirmed", "declined")}),
    Form("participant-new", "/staff/participants/new", "staff",
         (*PARTICIPANT_VALUES, "submission_key"), _participant_new, PARTICIPANT_CHOICES),
    Form("participant-edit", "/staff/participants/<id>/edit", "staff",
         (*PARTICIPANT_VALUES, "version_id"), _participant_edit, PARTICIPANT_CHOICES),
    Form("participant-new-units", "/staff/participants/new", "staff",
         (*PARTICIPANT_VALUES, "unit", "submission_key"), _participant_new_in_unit,
         {**PARTICIPANT_CHOICES, "unit": UNITS}, config=WITH_UNITS),
    Form("participant-edit-units", "/staff/participants/<id>/edit", "staff",
         (*PARTICIPANT_VALUES, "unit", "version_id"), _participant_edit_in_unit,
         {**PARTICIPANT_CHOICES, "unit": UNITS}, config=WITH_UNITS),
    Form("placement-new", "/staff/placements/new", "staff",
         ("case_reference", *PLACEMENT_FIELDS, "submission_key"), _placement_new,
         PLACEMENT_CHOICES),
    Form("placement-edit", "/staff/placements/<id>/edit", "staff",
         (*PLACEMENT_FIELDS, "version_id"), _placement_edit, PLACEMENT_CHOICES),
    Form("placement-agree", "/staff/placements/<id>/agree", "staff",
         ("version_id", "warnings", "ordinary_employees", "confirm"), _placement_agree,
         {"confirm": ("y",), "warnings": ("not_trained", "ratio", "gap")}),
    Form("placement-activate", "/staff/placements/<id>/activate", "staff", ("version_id",),
         _placement_activate),
    Form("placement-end", "/staff/placements/<id>/end", "staff",
         ("version_id", "ended_on", "outcome", "employer_name", "reason"), _placement_end,
         {"outcome": ("hired_by_host", "other_job", "studies", "continued_search",
                      "interrupted")}),
    Form("placement-cancel", "/staff/placements/<id>/cancel", "staff",
         ("version_id", "reason"), _placement_cancel),
    Form("placement-follow-up", "/staff/placements/<id>/follow-ups/check_in", "staff",
         ("note",), _placement_follow_up),
    Form("placement-follow-up-outcome", "/staff/placements/<id>/follow-ups/outcome", "staff",
         OUTCOME_FIELDS, _placement_follow_up_outcome,
         {"status": tuple(OutcomeStatus), "employment_form": ("", *JOB_FORMS)}),
    Form("placement-check-in", "/supervisor/placements/<id>/check-in", None,
         ("rating", "hours", "concerns"), _placement_check_in,
         {"rating": ("good", "mixed", "difficult")}),
    Form("supervisor-sign-up", "/supervisors/sign-up", None,
         (*SUPERVISOR_PROFILE, "workplace", "org_number", "department", "municipality",
          "consent", "submission_key"), _supervisor_sign_up, SUPERVISOR_CHOICES),
    Form("supervisor-confirm", "/supervisors/confirm/<token>", None, ("consent",),
         _supervisor_confirm, SUPERVISOR_CHOICES),
    Form("supervisor-colleague", "/organisations/<own id>/supervisors", "employer",
         (*SUPERVISOR_PROFILE, "locale", "submission_key"), _supervisor_colleague,
         SUPERVISOR_CHOICES),
    Form("supervisor-profile", "/supervisor/profile", "supervisor",
         ("phone", "tasks", "languages", "capacity", *SUPERVISOR_PERIODS, "version_id"),
         _supervisor_profile),
    Form("supervisor-approve", "/staff/supervisors/<id>/approve", "staff", ("version_id",),
         _supervisor_decision("pending", "approve")),
    Form("supervisor-decline", "/staff/supervisors/<id>/decline", "staff",
         ("version_id", "reason"), _supervisor_decision("pending", "decline")),
    Form("supervisor-deactivate", "/staff/supervisors/<id>/deactivate", "staff",
         ("version_id", "reason"), _supervisor_decision("approved", "deactivate")),
    Form("supervisor-reactivate", "/staff/supervisors/<id>/reactivate", "staff",
         ("version_id",), _supervisor_decision("deactivated", "reactivate")),
    Form("mentor-new", "/staff/mentor-training/new?request_id=<id>", "staff",
         (*MENTOR_FIELDS, "submission_key"), _mentor_new, MENTOR_CHOICES),
    Form("mentor-edit", "/staff/mentor-training/<id>/edit", "staff",
         (*MENTOR_FIELDS, "version_id"), _mentor_edit, MENTOR_CHOICES),
    Form("mentor-cancel", "/staff/mentor-training/<id>/cancel", "staff",
         ("reason", "version_id"), _mentor_cancel),
    Form("mentor-held", "/staff/mentor-training/<id>/held", "staff", ("version_id",),
         _mentor_held),
    Form("mentor-sign-up", "/staff/mentor-training/<id>/seats", "staff", ("supervisor_id",),
         _mentor_sign_up),
    Form("mentor-attendance", "/staff/mentor-training/<id>/attendance", "staff",
         ("seat_id", "attended"), _mentor_attendance, {"attended": ("", "yes", "no")}),
    Form("mentor-employer-sign-up", "/organisations/<own id>/mentor-training", "employer",
         ("session_id", "supervisor_id"), _mentor_employer_sign_up),
]

# GET forms, fuzzed by their query strings (and path, for the language switch).
QUERY_FORMS = [
    ("/register/check-number", None, ("country", "org_number")),
    ("/language/<code>", None, ("next",)),
    ("/login", None, ("next",)),
    # The lists filter by query string; they are shown with rows in them (seed_lists).
    ("/organisation", "employer", ("group", "kind")),
    ("/organisations/<own id>/requests", "employer", ("group", "kind")),
    ("/organisations/<own id>/needs", "employer", ("status",)),
    ("/staff/requests/", "staff", ("state", "page", "kind", "sector", "assignee", "overdue", "q",
                                      "from", "to", "sort")),
    ("/staff/requests/bulk", "staff", ("ids", "bulk_action", "next")),
    ("/staff/requests/my-day", "staff", ()),
    ("/staff/notifications/", "staff", ("page",)),
    ("/staff/analyses/", "staff", ("state", "q", "page")),
    ("/staff/cohorts/", "staff", ("state", "sector", "page")),
    ("/staff/participants/", "staff", ("q", "sector", "unit", "page")),
    ("/staff/cohorts/new", "staff", ("sector", "occupation", "other", "request")),
    ("/staff/events/", "staff", ("state", "sector", "when", "page")),
    ("/staff/events/new", "staff", ("sector", "occupation", "other", "request")),
    ("/staff/placements/", "staff", ("state", "type", "q", "missed", "page")),
    ("/staff/placements/new", "staff", ("participant_id", "request_id", "supervisor_id",
                                        "sector")),
    ("/staff/placements/at-risk", "staff", ("page",)),
    ("/staff/supervisors/", "staff", ("status", "sector", "municipality", "trained", "free",
                                      "language", "q", "page")),
    ("/staff/mentor-training/", "staff", ("when", "state", "page")),
    ("/staff/mentor-training/new", "staff", ("request_id",)),
    ("/staff/demand", "staff", ("sector", "timeframe", "source", "training")),
    ("/staff/demand.csv", "staff", ("sector", "timeframe", "source", "training")),
    ("/staff/demand/organisations", "staff", ("sector", "occupation", "other", "timeframe",
                                              "source", "training")),
]


def seed_lists(client) -> None:
    """Needs and requests in several states, and an unread message, for the lists.

    For an employer, in their own organisation; for staff, in a new one."""
    if client.user.is_staff:
        org = factories.make_organisation()
        employer = factories.employer_of(org)
    else:
        org, employer = own_org(client), client.user
    staff = factories.make_user("staff")
    need = factories.make_need(org, created_by=employer)
    filled = factories.make_need(org, created_by=employer, occupation_code="5223")
    need_services.set_status(filled, NeedStatus.FILLED, actor=employer)
    factories.make_request(org, employer, "placement", needs=[need])  # a draft
    needs_info_request(org, employer, "recruitment_event")
    answered = factories.make_request(org, employer, "mentor_training", submit=True)
    request_services.post_message(answered, author=staff, body="Hej! En fråga.")
    gone = factories.make_request(org, employer, "tailored_course", submit=True)
    request_services.withdraw(gone, actor=employer, reason="Vi har anställt.")
    db.session.commit()


# --- checks --------------------------------------------------------------------------

_errors: list[str] = []


# Settings a GET form's page is fuzzed under: the participant list with its unit filter.
QUERY_CONFIG = {"/staff/participants/": WITH_UNITS}


@pytest.fixture(autouse=True)
def _form_config(request, app, monkeypatch):
    """Set what a form (or a query form's page) is tried under, for this test only."""
    params = getattr(request.node, "callspec", None)
    params = params.params if params is not None else {}
    form = params.get("form")
    config = form.config if isinstance(form, Form) else QUERY_CONFIG.get(params.get("url"), {})
    for key, value in config.items():
        monkeypatch.setitem(app.config, key, value)


@pytest.fixture(autouse=True)
def _record_unhandled_errors(monkeypatch):
    """Keep the traceback of any unhandled exception, to show it with a failed check.

    (The 500 handler logs it, but Alembic's logging set-up silences that logger.)"""
    _errors.clear()
    monkeypatch.setattr(errorpages.log, "exception",
                        lambda *a, **k: _errors.append(_short_traceback()))


def _short_traceback() -> str:
    """The portal's own frames and the exception, without the library internals."""
    exc = sys.exc_info()[1]
    found = traceback.TracebackException.from_exception(exc)
    frames = [f for f in found.stack if "/site-packages/" not in f.filename]
    found.stack = traceback.StackSummary.from_list([*frames, found.stack[-1]])
    return "".join(found.format())


# 308: Werkzeug's redirect from a path with "//" in it to the merged one.
ALLOWED = {200, 302, 303, 308, 400, 404, 409, 413, 422, 429}
REDIRECTS = {301, 302, 303, 307, 308}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def check(response, sent=None) -> str:
    """The rules every answer to bad input must keep; returns the body."""
    body = response.get_data(as_text=True)
    where = f"{response.request.method} {response.request.path} sent={_short(sent)}"
    assert response.status_code != 500, f"500 for {where}\n{_errors[-1] if _errors else body}"
    assert response.status_code in ALLOWED, f"{response.status_code} for {where}"
    for raw in RAW_HOSTILE_HTML:
        assert raw not in body, f"{raw!r} reflected unescaped for {where}"
    if response.status_code in REDIRECTS:
        location = response.headers["Location"]
        parts = urlsplit(location)
        if parts.scheme or parts.netloc:  # Werkzeug's own redirects are absolute
            assert (parts.scheme, parts.netloc) == ("http", "localhost"), \
                f"off-site redirect {location!r}: {where}"
            location = location[len("http://localhost"):]
        assert location.startswith("/") and not location.startswith("//"), location
        assert "\\" not in location and not _CONTROL.search(location), \
            f"redirect to {location!r}: {where}"
    if response.status_code == 422:
        assert 'id="error-summary"' in body, f"422 without an error summary: {where}"
    if response.status_code in (400, 404, 413, 429):
        assert h1(body), f"{response.status_code} without a friendly page: {where}"
    if response.request.method == "POST" and response.status_code in (200, 409) \
            and "<form" in body:
        # A form sent back without being saved must say why (the join page is
        # itself the explanation: the number is already registered).
        assert 'id="error-summary"' in body or 'action="/register/join"' in body, \
            f"form returned ({response.status_code}) without saying what is wrong: {where}"
    return body


def _short(value):
    if isinstance(value, dict):
        return {k: _short(v) for k, v in value.items() if k != "csrf_token"}
    if isinstance(value, list | tuple):
        return [_short(v) for v in value]
    if isinstance(value, str) and len(value) > 80:
        return f"{value[:40]!r}...({len(value)} chars)"
    return value


def scalar(valid, choices=()):
    base = valid[0] if isinstance(valid, list) and valid else (valid or "")
    options = [
        st.sampled_from(HOSTILE),
        st.sampled_from(HOSTILE).map(lambda h: f"{base}{h}"),
        st.sampled_from(HOSTILE).map(lambda h: f"{h}{base}"),
        st.text(max_size=40),
    ]
    if choices:
        options.append(st.sampled_from([*UNKNOWN_CHOICES, *choices]))
    return st.one_of(*options)


def mutation(valid, choices=()):
    """A hostile replacement for one field: a value, several values, or none at all."""
    one = scalar(valid, choices)
    return st.one_of(one, st.lists(st.one_of(one, st.just(valid)), min_size=2, max_size=3),
                     st.just(MISSING))


def _flatten(value):
    if isinstance(value, list):
        out = []
        for v in value:
            out.extend(v if isinstance(v, list) else [v])
        return out
    return value


def row_counts() -> dict[str, int]:
    db.session.expire_all()
    return {t.name: db.session.scalar(select(func.count()).select_from(t))
            for t in db.metadata.sorted_tables}


def titles(message: str) -> set[str]:
    """``message`` in every portal language, HTML-escaped as Jinja renders it."""
    found = set()
    for locale in LOCALES:
        with force_locale(locale):
            found.add(escape(gettext(message), quote=True))
    return found


def h1(body: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", body, re.S)
    return match.group(1).strip() if match else ""


SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


# --- 2. hostile values, with a valid CSRF token -----------------------------------------

@pytest.fixture
def logged_in():
    """Logged-in clients by role, shared by a property test's examples (logging in
    anew for each one would double the run time)."""
    return {}


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.name)
@SETTINGS
@given(data=st.data())
def test_hostile_values_never_break_a_form(form, data, app, login_as, logged_in):
    target = form.target(app, login_as, logged_in)
    page = target.client.get(target.get_url or target.url)
    assert page.status_code == 200, \
        (target.get_url or target.url, page.status_code, _errors[-1] if _errors else "")
    sent = hidden_inputs(page.get_data(as_text=True))
    sent.update(target.valid)
    changed = data.draw(st.sets(st.sampled_from(form.fields), min_size=1,
                                max_size=len(form.fields)), label="changed fields")
    for name in sorted(changed):
        value = data.draw(mutation(target.valid.get(name, sent.get(name, "")),
                                   form.choices.get(name, ())), label=name)
        if value is MISSING:
            sent.pop(name, None)
        else:
            sent[name] = _flatten(value)
    check(target.client.post(target.url, data=sent), sent)


# Forms with no required field: sent empty, they do what they say (marking read
# without a request marks all read; an analysis may start from scratch; interest in a
# course needs no note; an attendance sheet sent without rows saves nothing).
NOTHING_REQUIRED = {"mark-read", "analysis-start", "cohort-interest", "attendance",
                    "event-attendance", "mentor-attendance"}
# Forms of buttons in a list: a problem comes back as a message over the list.
FLASHING_FORMS = {"need-status", "staff-assign", "staff-bulk", "analysis-finalise",
                  "analysis-revise", "analysis-discard", "enrolment-change",
                  "event-organisation-remove"}


def flashed_errors(client, location: str) -> list[str]:
    body = client.get(location).get_data(as_text=True)
    return re.findall(r'<p class="flash flash-error">(.*?)</p>', body, re.S)


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.name)
def test_an_empty_form_explains_itself(form, app, login_as):
    """Only the CSRF token (and the button pressed): every required field missing."""
    target = form.target(app, login_as)
    page = target.client.get(target.get_url or target.url)
    token = hidden_inputs(page.get_data(as_text=True))["csrf_token"]
    sent = {"csrf_token": token, **form.button}
    before = row_counts()
    response = target.client.post(target.url, data=sent)
    body = check(response, sent)
    # (join: without a known number it sends you back to register)
    if form.name == "join" or form.name in NOTHING_REQUIRED:
        assert response.status_code == 302
    elif form.name in FLASHING_FORMS:
        assert response.status_code == 302
        assert flashed_errors(target.client, response.headers["Location"]), \
            "refused without saying why"
        assert row_counts() == before
    else:
        assert response.status_code == 422
        assert 'id="error-summary"' in body


@pytest.mark.parametrize("form", [f for f in FORMS if "version_id" in f.fields
                                  and f.name not in FLASHING_FORMS],
                         ids=lambda f: f.name)
def test_a_form_sent_without_its_version_asks_for_a_reload(form, app, login_as):
    """The page always sends the version it showed; without it (not from the page)
    the answer is a 422 asking to reload, not a 409 blaming someone else's change."""
    target = form.target(app, login_as)
    page = target.client.get(target.get_url or target.url)
    sent = {**hidden_inputs(page.get_data(as_text=True)), **target.valid,
            **({"action": "draft"} if "action" in form.fields else {})}
    del sent["version_id"]
    before = row_counts()
    response = target.client.post(target.url, data=sent)
    body = check(response, sent)
    assert response.status_code == 422, response.status_code
    assert 'id="error-summary"' in body
    assert row_counts() == before


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.name)
def test_a_valid_submission_works(form, app, login_as):
    """The table's valid values really are valid, so the hostile runs start deep."""
    target = form.target(app, login_as)
    page = target.client.get(target.get_url or target.url)
    sent = {**hidden_inputs(page.get_data(as_text=True)), **target.valid}
    response = target.client.post(target.url, data=sent)
    check(response, sent)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]


def test_hostile_text_saved_is_shown_escaped_on_every_page(app, login_as):
    """Text that got through (it is only text) is escaped wherever it is shown
    again: needs, requests, field comments, messages, notes, reasons, the diff."""
    org = factories.make_organisation(name=SCRIPT)
    employer = factories.employer_of(org, full_name=IMG)
    staff = factories.make_user("staff", full_name=SCRIPT)
    need = factories.make_need(org, created_by=employer, occupation_code="other",
                               occupation_other=SCRIPT, location=IMG,
                               other_requirements=SCRIPT, plus_languages=IMG,
                               description=SCRIPT)
    hostile = {"roles": SCRIPT, "tasks": IMG, "workplace_address": SCRIPT,
               "supervisor_name": IMG, "details": SCRIPT}
    req = factories.make_request(org, employer, "placement", submit=True, needs=[need],
                                 **hostile)
    request_services.transition(req, RequestState.NEEDS_INFO, actor=staff, reason=SCRIPT,
                                field_comments={"tasks": IMG, "roles": SCRIPT})
    request_services.post_message(req, author=staff, body=IMG)
    request_services.post_message(req, author=employer, body=SCRIPT)
    request_services.add_note(req, author=staff, body=IMG)
    db.session.commit()
    employer_client = login_as(employer)
    staff_client = login_as(staff)
    base = f"/organisations/{org.id}"
    edit = employer_client.get(f"{base}/requests/{req.id}/edit")  # with the comments
    assert escape(SCRIPT) in check(edit), "the comment is not shown at all"
    request_services.update_request(req, values={**hostile, "roles": IMG, "tasks": SCRIPT},
                                    actor=employer)
    request_services.submit_request(req, actor=employer)  # a diff to show staff
    declined = factories.make_request(org, employer, "recruitment_event", submit=True,
                                      roles=IMG, employer_contribution=SCRIPT)
    request_services.transition(declined, RequestState.DECLINED, actor=staff, reason=IMG)
    withdrawn = factories.make_request(org, employer, "mentor_training", submit=True,
                                       details=IMG)
    request_services.withdraw(withdrawn, actor=employer, reason=SCRIPT)
    draft = factories.make_request(org, employer, "tailored_course", skill=SCRIPT,
                                   roles=IMG)
    db.session.commit()
    employer_pages = [
        "/organisation", "/organisation?group=all", f"{base}/requests?group=all",
        f"{base}/needs", f"{base}/needs/{need.id}/edit", f"{base}/requests/new",
        f"{base}/requests/new/placement?need={need.id}",
        *(f"{base}/requests/{r.id}" for r in (req, declined, withdrawn, draft)),
        f"{base}/requests/{req.id}/receipt", f"{base}/requests/{req.id}/withdraw",
        f"{base}/requests/{draft.id}/edit",
    ]
    staff_pages = ["/staff/", "/staff/requests/",
                   *(f"/staff/requests/{r.id}" for r in (req, declined, withdrawn))]
    for client, paths in ((employer_client, employer_pages), (staff_client, staff_pages)):
        for path in paths:
            response = client.get(path)
            body = check(response, path)
            assert response.status_code == 200, (path, response.status_code)
            if path.startswith(("/staff/requests/", f"{base}/requests/")) and path[-1].isdigit():
                assert escape(SCRIPT) in body, f"{path}: the hostile text is not shown at all"


# --- GET forms: query strings and paths ----------------------------------------------------

def query_value():
    one = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40),
                    st.sampled_from(["SE", "DK", "5560360793", "556036-0793", "13585628",
                                     "/organisation", "/staff/"]))
    return st.one_of(one, st.lists(one, min_size=2, max_size=3))


@pytest.mark.parametrize(("url", "who", "params"), QUERY_FORMS, ids=lambda v: str(v))
def test_every_hostile_value_in_every_query_parameter(url, who, params, app, login_as):
    client = login_as(who) if who else app.test_client()
    path = url.replace("<code>", "en")
    if who:
        seed_lists(client)
        path = path.replace("<own id>", str(own_org_id(client)) if who == "employer" else "")
    # The request lists also answer htmx's requests for just the list.
    variants = [{}, {"HX-Request": "true", "HX-Target": "request-list"}] \
        if "group" in params else [{}]
    for value in HOSTILE:
        for name in params:
            for headers in variants:
                response = client.get(path, query_string={name: value}, headers=headers)
                check(response, {name: value})
                assert response.status_code in (200, 302)
    for value in HOSTILE:  # the language code is part of the path
        if "<code>" in url:
            check(client.get(url.replace("<code>", quote(value, safe=""))), value)


# The results pages tell a bad period or filter by its field (422, with the summary);
# their exports refuse it (400) rather than export a period nobody asked for.
# The other pages read the same filters through the same code: the dashboard gets every
# parameter, they get the parsed ones.
REPORT_URLS = [("/staff/reports/", ("period", "month", "start", "end", "sector", "type",
                                    "cohort", "unit", "page")),
               *((url, ("period", "start")) for url in (
                   "/staff/reports/print", "/staff/reports/rows/ended",
                   "/staff/reports/results.csv", "/staff/reports/rows/started.csv"))]


@pytest.mark.parametrize(("url", "params"), REPORT_URLS)
def test_every_hostile_value_in_the_results_filters(url, params, login_as):
    client = login_as("staff_manager")
    for value in HOSTILE:
        for name in params:
            # The dates are read for custom periods only.
            extra = {"period": "custom"} if name in ("start", "end") else {}
            response = client.get(url, query_string={**extra, name: value})
            check(response, {name: value})
            assert response.status_code in (200, 400, 422)


@SETTINGS
@given(country=query_value(), number=query_value(), htmx=st.booleans())
def test_check_number_query(country, number, htmx, client):
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get("/register/check-number",
                          query_string={"country": country, "org_number": number},
                          headers=headers)
    check(response, {"country": country, "org_number": number})
    assert response.status_code == 200


@SETTINGS
@given(code=st.one_of(st.sampled_from(LOCALES), st.sampled_from(HOSTILE), st.text(max_size=10)),
       target=query_value())
def test_language_switch_query(code, target, app):
    client = app.test_client()
    response = client.get(f"/language/{quote(code, safe='')}", query_string={"next": target})
    check(response, {"code": code, "next": target})
    # 308: a code holding "/" makes "//" in the path, which Werkzeug merges
    # with a redirect (check() has made sure it stays on this site).
    assert response.status_code in (302, 308, 404)


@SETTINGS
@given(target=query_value())
def test_login_next_query_and_the_login_that_follows(target, app):
    """Whatever ?next= says, the login page renders, and logging in from it works."""
    user = factories.make_user("employer")
    client = app.test_client()
    page = client.get("/login", query_string={"next": target})
    check(page, {"next": target})
    assert page.status_code == 200
    sent = hidden_inputs(page.get_data(as_text=True))
    sent.update(email=user.email, password=PASSWORD)
    response = client.post("/login", data=sent)
    check(response, sent)
    assert response.status_code == 302, \
        f"cannot log in from /login?next={target!r}:\n{response.get_data(as_text=True)[:2000]}"


# --- 3. missing or wrong CSRF token -------------------------------------------------------

@pytest.mark.parametrize("token", ["missing", "garbage", "other-session"])
@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.name)
def test_post_without_a_valid_csrf_token_is_refused_and_changes_nothing(form, token, app,
                                                                        login_as):
    target = form.target(app, login_as)
    page = target.client.get(target.get_url or target.url)
    sent = {**hidden_inputs(page.get_data(as_text=True)), **target.valid}
    if token == "missing":
        del sent["csrf_token"]
    elif token == "garbage":
        sent["csrf_token"] = "IjEyMzQi.garbage.token"
    else:
        other = app.test_client()
        sent["csrf_token"] = hidden_inputs(other.get("/login").get_data(as_text=True))[
            "csrf_token"]
    before = row_counts()
    response = target.client.post(target.url, data=sent)
    body = check(response, sent)
    assert response.status_code == 400
    assert h1(body) in titles("The form had expired"), h1(body)
    assert row_counts() == before


@pytest.mark.parametrize("token", ["missing", "garbage", "valid"])
def test_the_submit_button_of_a_draft(token, login_as):
    """A form of only a button (no fields for the table above): refused without a
    valid token, and extra hostile fields change nothing."""
    client = login_as("employer")
    org = own_org(client)
    draft = factories.make_request(org, client.user, "placement")
    view = f"/organisations/{org.id}/requests/{draft.id}"
    sent = {**hidden_inputs(client.get(view).get_data(as_text=True)), "state": "completed",
            "reference": SCRIPT, "version_id": "-1"}
    if token == "missing":
        del sent["csrf_token"]
    elif token == "garbage":
        sent["csrf_token"] = "IjEyMzQi.garbage.token"
    before = row_counts()
    response = client.post(f"{view}/submit", data=sent)
    check(response, sent)
    db.session.expire_all()
    if token == "valid":
        assert response.status_code == 302
        assert draft.state == RequestState.SUBMITTED and draft.reference.startswith("REQ-")
    else:
        assert response.status_code == 400
        assert row_counts() == before


@pytest.mark.parametrize("token", ["missing", "garbage", "valid"])
@pytest.mark.parametrize("which", ["one", "all"])
def test_the_notification_buttons(which, token, login_as):
    """"Mark as read" and "Mark all as read" are forms of only a button (no fields for
    the table above): refused without a valid token; hostile extra fields and a
    hostile page number change nothing else."""
    from portal.notifications.models import Notification

    client = login_as("staff")
    request_services.assign(submitted_request(), client.user,
                            actor=factories.make_user("staff"))
    db.session.commit()
    note = db.session.scalar(select(Notification).where(Notification.user_id == client.user.id))
    page = client.get("/staff/notifications/").get_data(as_text=True)
    sent = {**hidden_inputs(page), "read_at": "1999-01-01", "user_id": "1", "id": SCRIPT}
    if token == "missing":
        del sent["csrf_token"]
    elif token == "garbage":
        sent["csrf_token"] = "IjEyMzQi.garbage.token"
    url = (f"/staff/notifications/{note.id}/read?page={quote(SCRIPT)}" if which == "one"
           else "/staff/notifications/read")
    before = row_counts()
    response = client.post(url, data=sent)
    check(response, sent)
    db.session.expire_all()
    if token == "valid":
        assert response.status_code == 302
        assert note.read_at is not None and note.user_id == client.user.id
    else:
        assert response.status_code == 400
        assert note.read_at is None
    assert row_counts() == before


# --- 4. bodies over MAX_CONTENT_LENGTH ------------------------------------------------------

def too_big(app) -> int:
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit == 1024 * 1024
    return limit + 1


def assert_too_large(response):
    body = check(response)
    assert response.status_code == 413, response.status_code
    assert h1(body) in titles("Too much data"), h1(body)


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.name)
def test_a_form_field_over_the_limit_is_413(form, app, login_as):
    target = form.target(app, login_as)
    page = target.client.get(target.get_url or target.url)
    sent = {**hidden_inputs(page.get_data(as_text=True)), **target.valid}
    sent[form.fields[0]] = "x" * too_big(app)
    before = row_counts()
    assert_too_large(target.client.post(target.url, data=sent))
    assert row_counts() == before


@pytest.mark.parametrize("content_type", [
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=xyz",
    "application/octet-stream",
    "application/json",
    "text/plain",
])
def test_a_raw_body_over_the_limit_is_413(content_type, app):
    client = app.test_client()
    client.get("/login")
    response = client.post("/login", data=b"e" * too_big(app), content_type=content_type)
    assert_too_large(response)


def test_a_multipart_file_over_the_limit_is_413(app):
    client = app.test_client()
    token = hidden_inputs(client.get("/login").get_data(as_text=True))["csrf_token"]
    response = client.post("/login", data={
        "csrf_token": token, "email": "a@example.se",
        "password": (io.BytesIO(b"p" * too_big(app)), "password.txt"),
    }, content_type="multipart/form-data")
    assert_too_large(response)


def test_a_body_without_content_length_over_the_limit_is_refused(app):
    """Chunked upload: the limit must hold though no length was announced."""
    client = app.test_client()
    client.get("/login")
    response = client.post("/login", input_stream=io.BytesIO(b"e=" + b"x" * too_big(app)),
                           content_type="application/x-www-form-urlencoded",
                           headers={"Transfer-Encoding": "chunked"},
                           environ_overrides={"wsgi.input_terminated": True})
    check(response)
    assert response.status_code in (400, 413)


# --- 5. malformed paths, queries and bodies ------------------------------------------------

HUGE = "99999999999999999999"
MALFORMED_GETS = [
    (None, f"/organisations/{HUGE}"),
    ("employer", "/organisations/2147483648"),  # one past PostgreSQL's integer
    ("employer", f"/organisations/{HUGE}"),
    ("employer", f"/organisations/{HUGE}/edit"),
    ("employer", f"/organisations/{HUGE}/members"),
    ("employer", f"/organisations/{HUGE}/invite"),
    ("employer", "/organisations/-1"),
    ("employer", "/organisations/abc"),
    ("employer", "/organisations/%00"),
    ("employer", f"/organisations/{HUGE}/needs"),
    ("employer", f"/organisations/{HUGE}/needs/new"),
    ("employer", "/organisations/2147483648/needs/2147483648/edit"),
    ("employer", f"/organisations/{HUGE}/requests"),
    ("employer", f"/organisations/{HUGE}/requests/new/placement"),
    ("employer", f"/organisations/{HUGE}/requests/{HUGE}"),
    ("employer", "/organisations/2147483648/requests/2147483648/edit"),
    ("staff", f"/staff/requests/{HUGE}"),
    ("staff", "/staff/requests/2147483648"),
    ("staff", f"/staff/requests/?page={HUGE}"),
    ("staff", "/staff/requests/?page=-1&state=%00"),
    ("staff", "/staff/requests/?state=%ff%fe&page=%00"),
    ("staff", f"/staff/notifications/?page={HUGE}"),
    ("staff", f"/staff/events/{HUGE}"),
    ("staff", "/staff/events/2147483648/results?org=2147483648"),
    ("staff", f"/staff/events/?page={HUGE}&when=%00"),
    ("employer", f"/organisations/{HUGE}/events/{HUGE}"),
    ("employer", "/organisations/2147483648/events/2147483648.ics"),
    ("staff", "/staff/notifications/?page=-1&page=%00"),
    ("admin", f"/admin/users/{HUGE}"),
    ("admin", f"/admin/users/?page={HUGE}"),
    ("admin", "/admin/users/?page=-5"),
    ("admin", "/admin/users/?page=abc"),
    ("staff", "/dev/mail/abc"),
    (None, "/dev/mail/abc"),
    (None, f"/dev/mail/{HUGE}"),
    (None, "/confirm/garbage"),
    (None, "/confirm/" + "A" * 5000),
    (None, "/confirm/%00"),
    (None, "/confirm/%ff%fe"),
    (None, "/confirm/eyJ1IjoxfQ.garbage.sig"),
    (None, "/password/reset/garbage"),
    (None, "/password/reset/" + "A" * 5000),
    (None, "/password/reset/%00"),
    (None, "/password/reset/%ff%fe"),
    (None, "/invitations/garbage"),
    (None, "/supervisors/confirm/%00"),
    (None, "/supervisors/confirm/eyJzIjoxfQ.garbage.sig"),
    ("staff", f"/staff/supervisors/{HUGE}"),
    ("staff", f"/staff/supervisors/?page={HUGE}&free=%00&municipality=%ff"),
    ("employer", f"/organisations/{HUGE}/supervisors"),
    (None, "/invitations/" + "A" * 5000),
    (None, "/invitations/%00"),
    (None, "/invitations/%ff%fe"),
    (None, "/login?next=%ff%fe"),
    (None, "/login?next=%00"),
    (None, "/login?next=/organisation%00"),
    (None, "/login?next=%"),
    (None, "/login?next=%zz&next=/x"),
    (None, "/login?%ff=%fe"),
    (None, "/login?" + "a=1&" * 5000),
    (None, "/register?lang=%00"),
    (None, "/register?lang=%ff"),
    (None, "/register/check-number?country=%00&org_number=%00"),
    (None, "/register/check-number?country=SE&org_number=%ff%fe"),
    (None, "/register/check-number?country=DK&org_number=%00%00%00%00%00%00%00%00"),
    (None, "/register/done?email=%00%ff"),
    (None, "/register/done?email=" + "<script>alert(1)</script>"),
    (None, "/language/%00?next=/"),
    (None, "/language/sv?next=%00"),
    (None, "/language/sv?next=%ff%fe"),
    (None, "/language/en?next=//evil.example"),
    ("employer", "/language/en?next=%ff"),
    (None, "/%00"),
    (None, "/%ff"),
]


@pytest.mark.parametrize(("who", "url"), MALFORMED_GETS, ids=lambda v: str(v)[:60])
def test_malformed_get_never_breaks(who, url, app, login_as):
    client = login_as(who) if who else app.test_client()
    check(client.get(url), url)


@pytest.mark.parametrize("tail", [
    "/requests/new/xx", "/requests/new/%00", "/requests/new/" + SCRIPT,
    f"/requests/new/placement?need={HUGE}", "/requests/new/placement?need=%00",
    "/requests/new/placement?need=-1", f"/requests/{HUGE}", f"/requests/{HUGE}/edit",
    "/requests/2147483648/withdraw", f"/requests/{HUGE}/receipt",
    f"/needs/{HUGE}/edit", "/needs/2147483648/edit", "/needs?status=%00",
])
def test_malformed_paths_in_own_organisation_never_break(tail, login_as):
    client = login_as("employer")
    check(client.get(f"/organisations/{own_org_id(client)}{tail}"), tail)


def test_malformed_token_post_never_breaks(app):
    client = app.test_client()
    token = hidden_inputs(client.get("/login").get_data(as_text=True))["csrf_token"]
    for url in ("/password/reset/garbage", "/invitations/garbage", "/invitations/%ff",
                "/password/reset/%00"):
        check(client.post(url, data={"csrf_token": token, "password": NEW_PASSWORD,
                                     "password_repeat": NEW_PASSWORD}), url)


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.name)
def test_json_posted_to_a_form_never_breaks(form, app, login_as):
    target = form.target(app, login_as)
    page = target.client.get(target.get_url or target.url)
    token = hidden_inputs(page.get_data(as_text=True))["csrf_token"]
    payload = {**target.valid, "csrf_token": token}
    before = row_counts()
    # Without the token in a header: the CSRF check refuses it.
    response = target.client.post(target.url, json=payload)
    check(response, payload)
    assert response.status_code == 400
    assert row_counts() == before
    # With it in the header the view runs, sees an empty form and says so.
    response = target.client.post(target.url, data=json.dumps(payload),
                                  content_type="application/json",
                                  headers={"X-CSRFToken": token})
    check(response, payload)
    assert response.status_code in (302, 422)
    # Malformed JSON is no different.
    response = target.client.post(target.url, data=b'{"email": "\xff', headers={
        "X-CSRFToken": token}, content_type="application/json")
    check(response)


# What JSON carries where a browser only ever sends text.
JSON_VALUES = [5, 1.5, True, None, {"a": 1}, [{"a": 1}]]
JSON_BODIES = ["[1, 2]", '"text"', "5", "null", "true"]


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.name)
def test_json_values_that_are_not_text_never_break_a_form(form, app, login_as):
    target = form.target(app, login_as)
    page = target.client.get(target.get_url or target.url)
    token = hidden_inputs(page.get_data(as_text=True))["csrf_token"]
    headers = {"X-CSRFToken": token}
    for body in JSON_BODIES:
        check(target.client.post(target.url, data=body, content_type="application/json",
                                 headers=headers), body)
    for name in form.fields:
        for value in JSON_VALUES:
            payload = {**target.valid, name: value}
            check(target.client.post(target.url, data=json.dumps(payload),
                                     content_type="application/json", headers=headers),
                  payload)


def test_invalid_utf8_in_a_form_body_never_breaks(app):
    client = app.test_client()
    token = hidden_inputs(client.get("/login").get_data(as_text=True))["csrf_token"]
    # Invalid UTF-8 percent-escapes: the fields arrive (as "%FF%FE") and are refused.
    body = f"csrf_token={token}&email=%ff%fe%00@example.se&password=%ff%c3".encode()
    response = client.post("/login", data=body,
                           content_type="application/x-www-form-urlencoded; charset=utf-8")
    check(response)
    assert response.status_code == 422
    # Raw non-UTF-8 bytes (no browser sends them): Werkzeug drops the whole form,
    # so the CSRF token is missing and the friendly 400 page answers.
    body = f"csrf_token={token}&password=\xff\xfe".encode("latin-1")
    response = client.post("/login", data=body,
                           content_type="application/x-www-form-urlencoded; charset=utf-8")
    check(response)
    assert response.status_code == 400


def test_a_nul_in_the_user_agent_does_not_break_login(app):
    """The user agent is stored with the session; PostgreSQL refuses NUL in text."""
    user = factories.make_user("employer")
    client = app.test_client()
    headers = {"User-Agent": "Mozilla/5.0\x00evil"}
    token = hidden_inputs(client.get("/login", headers=headers).get_data(as_text=True))[
        "csrf_token"]
    response = client.post("/login", data={"csrf_token": token, "email": user.email,
                                           "password": PASSWORD}, headers=headers)
    check(response)
    assert response.status_code == 302


# Fields where a NUL is harmless rather than refused: a malformed submission key
# is replaced by a fresh one, an unusable ``next`` is dropped, a checkbox is
# only ever True/False, the register form treats an unknown country as SE,
# and the join page without a known number sends you back to register.
NUL_NOT_REFUSED = {("*", "submission_key"), ("login", "next"), ("register", "accept_terms"),
                   ("staff-edit", "active"), ("register", "country"), ("join", "country"),
                   ("join", "org_number"), ("*", "shift_work"), ("*", "no_formal_education"),
                   ("*", "guaranteed_interviews"), ("*", "hosts_practical"),
                   # not a number, so "mark all read"
                   ("mark-read", "request_id"),
                   # check boxes and buttons: any value is "on"
                   ("*", "consent"), ("placement-agree", "confirm"),
                   ("*", "line-0-training_needed"), ("*", "line-0-remove"), ("*", "finalise"),
                   # analysis buttons: a message over the page, nothing changed
                   ("analysis-finalise", "version_id"), ("analysis-revise", "version_id"),
                   ("analysis-discard", "version_id"),
                   ("enrolment-change", "version_id"), ("enrolment-change", "action"),
                   ("enrolment-change", "on"), ("enrolment-change", "reason"),
                   ("*", "interviews"), ("*", "hosts_practical"),
                   # an unknown status: a message over the list, nothing changed
                   ("need-status", "status"),
                   # the inbox filters a request was opened from: cleaned when read back,
                   # and an unknown "then" is a plain save
                   ("staff-transition", "list"), ("staff-transition", "then"),
                   # list actions: refused with a message over the list, nothing changed
                   ("staff-assign", "assignee"), ("staff-assign", "next"),
                   ("staff-bulk", "ids"), ("staff-bulk", "bulk_action"),
                   ("staff-bulk", "confirm"), ("staff-bulk", "next"),
                   # a button in the event's list of organisations: a message over the page
                   ("event-organisation-remove", "organisation_id")}


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.name)
def test_a_nul_byte_in_any_field_is_refused_before_the_database(form, app, login_as):
    """PostgreSQL refuses NUL in text, so no field of any type may carry one to a
    query: String, E-mail, Password, Hidden, Select and SelectMultiple fields alike."""
    for name in form.fields:
        target = form.target(app, login_as)
        page = target.client.get(target.get_url or target.url)
        sent = {**hidden_inputs(page.get_data(as_text=True)), **target.valid}
        valid = sent.get(name, "")
        sent[name] = [f"{v}\x00" for v in valid] if isinstance(valid, list) else f"{valid}\x00"
        response = target.client.post(target.url, data=sent)
        check(response, {name: sent[name]})
        if (form.name, name) in NUL_NOT_REFUSED or ("*", name) in NUL_NOT_REFUSED:
            assert response.status_code in (302, 422), (name, response.status_code)
        else:
            assert response.status_code == 422, (name, response.status_code)


@pytest.mark.parametrize(("name", "value"), [("headcount", "\t"), ("headcount", " "),
                                           ("timeframe", "None"), ("timeframe", "")])
@pytest.mark.parametrize("form", [f for f in FORMS if f.name in ("new-need", "edit-need")],
                         ids=lambda f: f.name)
def test_a_blank_answer_to_a_required_field_is_refused(form, name, value, app, login_as):
    """Blank is no answer: a space in a number, or "None" for a radio button, once
    passed InputRequired and reached the database as NULL (a 500, or a need saved
    without the answer the form asks for)."""
    target = form.target(app, login_as)
    page = target.client.get(target.get_url or target.url)
    sent = {**hidden_inputs(page.get_data(as_text=True)), **target.valid, name: value}
    before = row_counts()
    response = target.client.post(target.url, data=sent)
    body = check(response, sent)
    assert response.status_code == 422
    assert f'href="#{name}"' in body
    assert row_counts() == before


LONG_EMAIL = "語" * 64 + "@example.se"  # valid; 589 characters once percent-encoded


@pytest.mark.parametrize("form", [f for f in FORMS if "email" in f.fields],
                         ids=lambda f: f.name)
def test_a_long_internationalized_address_is_accepted_or_refused_cleanly(form, app,
                                                                          login_as):
    """A valid address whose URL-encoded form is longer than 500 characters."""
    target = form.target(app, login_as)
    if form.name in ("login", "resend-confirmation", "forgot-password"):
        factories.make_user("employer", email=LONG_EMAIL.lower(), email_confirmed_at=None
                            if form.name == "resend-confirmation" else utcnow())
    page = target.client.get(target.get_url or target.url)
    sent = {**hidden_inputs(page.get_data(as_text=True)), **target.valid, "email": LONG_EMAIL}
    response = target.client.post(target.url, data=sent)
    check(response, sent)
    assert response.status_code in (302, 422)


def test_the_invitation_helper_gives_a_working_link(client):
    """The table's invitation tokens come from the real service, read from its mail."""
    assert client.get(f"/invitations/{invitation_token()}").status_code == 200
