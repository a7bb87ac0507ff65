"""Supervisors: the public sign-up confirmed by mail, an employer admin registering a
colleague, staff deciding (version-checked, audited), the supervisor's own page and
profile, and the staff register's filters."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.accounts.enums import Role
from portal.accounts.models import User
from portal.core.dates import local_today
from portal.core.models import AuditEvent, OutboxMessage
from portal.extensions import db
from portal.supervisors import services
from portal.supervisors.enums import SupervisorStatus
from portal.supervisors.models import Supervisor
from tests import factories
from tests.support import PASSWORD, hidden_inputs, mail_link, mail_text, path_of, submit

ST = SupervisorStatus
NEW_PASSWORD = "Blåbärs-kanot-vinterbad-1987"


def sign_up_form(org=None, **over) -> dict:
    """The sign-up form as a browser sends it: an employer in the portal by its number."""
    today = local_today()
    data = {"full_name": "Sara Berg", "email": "Sara.Berg@Example.se",
            "phone": "070-111 22 33", "job_title": "Arbetsledare",
            "sectors": ["cleaning", "care"], "tasks": "Städning av kontor och trapphus.",
            "languages": "svenska, arabiska", "capacity": "2",
            "period1_from": today.isoformat(), "period1_to": "",
            "period2_from": (today + timedelta(days=100)).isoformat(),
            "period2_to": (today + timedelta(days=160)).isoformat(),
            "workplace": "organisation", "org_number": org.display_number if org else "",
            "department": "", "municipality": "", "consent": "y"}
    data.update(over)
    return data


def colleague_form(**over) -> dict:
    data = sign_up_form(full_name="Omar Ali", email="Omar.Ali@Example.se", locale="en")
    for name in ("workplace", "org_number", "department", "municipality", "consent"):
        del data[name]
    data.update(over)
    return data


def profiles() -> list[Supervisor]:
    db.session.expire_all()
    return list(db.session.scalars(select(Supervisor).order_by(Supervisor.id)))


def row_ids(body: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr id="row-(\d+)"', body)]


def staff_decide(client, supervisor, action: str, **data):
    page = f"/staff/supervisors/{supervisor.id}"
    return submit(client, f"{page}/{action}", data, get_url=page)


# --- sign-up, confirmation, approval, first login ---------------------------------------------

def test_sign_up_confirm_approve_and_log_in(client, smtp, login_as, app):
    org = factories.make_organisation(municipality="Osby")
    response = submit(client, "/supervisors/sign-up", sign_up_form(org))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert response.headers["Location"].endswith("/supervisors/sign-up/done")
    done = client.get(response.headers["Location"])
    assert done.status_code == 200 and 'id="signed-up"' in done.get_data(as_text=True)

    [supervisor] = profiles()
    assert supervisor.email == "sara.berg@example.se"  # lower-cased
    assert supervisor.status == ST.UNCONFIRMED and supervisor.confirmed_at is None
    assert supervisor.organisation_id == org.id and supervisor.department == ""
    assert supervisor.municipality == "Osby"  # the organisation's
    assert supervisor.sectors == ["care", "cleaning"] and supervisor.capacity == 2
    assert [(p.starts_on, p.ends_on) for p in supervisor.availability] == [
        (local_today(), None),
        (local_today() + timedelta(days=100), local_today() + timedelta(days=160))]
    assert supervisor.consent_at is not None and supervisor.registered_by_id is None

    # The confirmation link, from the mail the SMTP server received.
    message = smtp.last_to("sara.berg@example.se")
    link = path_of(mail_link(message, "/supervisors/confirm/"))
    confirmed = client.get(link)
    assert confirmed.status_code == 302
    assert 'id="confirmed"' in client.get(confirmed.headers["Location"]).get_data(as_text=True)
    supervisor = profiles()[0]
    assert supervisor.status == ST.PENDING and supervisor.confirmed_at is not None
    # The link works once.
    again = client.get(link)
    assert again.status_code == 404 and 'id="confirm-invalid"' in again.get_data(as_text=True)

    # Staff see it first in the register, and approve it.
    staff = login_as("staff")
    factories.make_supervisor(full_name="Aaron Aalto")  # sorts before Sara by name
    register = staff.get("/staff/supervisors/").get_data(as_text=True)
    assert row_ids(register)[0] == supervisor.id
    smtp.clear()
    response = staff_decide(staff, supervisor, "approve")
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    supervisor = profiles()[0]
    assert supervisor.status == ST.APPROVED and supervisor.decided_by_id == staff.user.id
    user = db.session.get(User, supervisor.user_id)
    assert user.email == "sara.berg@example.se" and user.role == Role.SUPERVISOR
    assert user.password_hash is None and user.email_confirmed_at is not None
    assert user.supervisor is supervisor

    # The new account sets its password from the mailed link, then logs in.
    welcome = smtp.last_to("sara.berg@example.se")
    reset = path_of(mail_link(welcome, "/password/reset/"))
    fresh = app.test_client()
    assert submit(fresh, reset, {"password": NEW_PASSWORD,
                                 "password_repeat": NEW_PASSWORD}).status_code == 302
    logged_in = submit(fresh, "/login", {"email": "Sara.Berg@example.se",
                                         "password": NEW_PASSWORD})
    assert logged_in.status_code == 302
    start = fresh.get(logged_in.headers["Location"])
    assert start.status_code == 302 and start.headers["Location"].endswith("/supervisor/")
    # The audit trail names who did what.
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "supervisors", AuditEvent.object_id == supervisor.id)
        .order_by(AuditEvent.id)).all()
    assert actions == ["supervisor.signed_up", "supervisor.confirmed",
                       "supervisor.status_changed"]


def test_approval_links_an_existing_account(client, smtp, login_as):
    """An employer user who signs up keeps their account: approval links it."""
    org = factories.make_organisation()
    employer = factories.employer_of(org, email="sara.berg@example.se")
    assert submit(client, "/supervisors/sign-up", sign_up_form(org)).status_code == 302
    client.get(path_of(mail_link(smtp.last_to("sara.berg@example.se"),
                                 "/supervisors/confirm/")))
    supervisor = profiles()[0]
    smtp.clear()
    assert staff_decide(login_as("staff"), supervisor, "approve").status_code == 302
    supervisor = profiles()[0]
    assert supervisor.user_id == employer.id
    assert db.session.scalar(select(func.count()).select_from(User).where(
        User.email == "sara.berg@example.se")) == 1
    assert db.session.get(User, employer.id).role == Role.EMPLOYER
    ready = smtp.last_to("sara.berg@example.se")
    assert mail_link(ready, "/supervisor/")
    # The employer still lands on their organisation, with a link to the supervisor page.
    own = login_as(employer)
    assert own.get("/").headers["Location"].endswith("/organisation")
    assert 'href="/supervisor/"' in own.get("/account").get_data(as_text=True)


def test_a_municipal_department_and_the_errors(client):
    org = factories.make_organisation()
    data = sign_up_form(workplace="department", org_number="",
                        department="Äldreomsorgen, Hagen", municipality="Härryda")
    assert submit(client, "/supervisors/sign-up", data).status_code == 302
    [supervisor] = profiles()
    assert supervisor.organisation_id is None
    assert (supervisor.department, supervisor.municipality) == ("Äldreomsorgen, Hagen",
                                                                "Härryda")
    # A number that is valid but not in the portal; a department without its municipality;
    # no period; an identity number in free text; no consent.
    cases = [
        ({"org_number": "556036-0793", "email": "a@example.se"}, "org_number"),
        ({"workplace": "department", "department": "Hemtjänsten", "municipality": "",
          "email": "b@example.se"}, "municipality"),
        ({"period1_from": "", "period2_from": "", "period2_to": "", "email": "c@example.se"},
         "period1_from"),
        ({"period1_to": (local_today() - timedelta(days=1)).isoformat(),
          "email": "d@example.se"}, "period1_to"),
        ({"tasks": "Min kollega 19811218-9876 visar", "email": "e@example.se"}, "tasks"),
        ({"consent": "", "email": "f@example.se"}, "consent"),
        ({"capacity": "11", "email": "g@example.se"}, "capacity"),
    ]
    for over, field in cases:
        response = submit(client, "/supervisors/sign-up", sign_up_form(org, **over))
        body = response.get_data(as_text=True)
        assert response.status_code == 422, (over, response.status_code)
        assert f'href="#{field}"' in body, (field, re.findall(r'href="#([^"]+)"', body))
    assert len(profiles()) == 1


def test_a_double_submit_creates_one_profile(client, smtp):
    org = factories.make_organisation()
    page = client.get("/supervisors/sign-up").get_data(as_text=True)
    data = {**hidden_inputs(page), **sign_up_form(org)}
    first = client.post("/supervisors/sign-up", data=data)
    second = client.post("/supervisors/sign-up", data=data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert len(profiles()) == 1
    assert len(smtp.to("sara.berg@example.se")) == 1


def _without_tokens(body: str) -> str:
    return re.sub(r'(csrf_token|X-CSRFToken)(["\':= ]+)[^"&]+', r"\1\2", body)


def test_signing_up_again_reveals_nothing(app, smtp):
    org = factories.make_organisation()
    first, second = app.test_client(), app.test_client()
    one = submit(first, "/supervisors/sign-up", sign_up_form(org))
    two = submit(second, "/supervisors/sign-up", sign_up_form(
        org, email="SARA.berg@example.SE", full_name="Someone Else"))
    assert one.status_code == two.status_code == 302
    assert one.headers["Location"] == two.headers["Location"]
    pages = [c.get(r.headers["Location"]) for c, r in ((first, one), (second, two))]
    assert pages[0].status_code == pages[1].status_code == 200
    assert _without_tokens(pages[0].get_data(as_text=True)) == \
        _without_tokens(pages[1].get_data(as_text=True))
    [supervisor] = profiles()
    assert supervisor.full_name == "Sara Berg"  # nothing overwritten
    # The address gets a note instead, with a fresh link while it is unconfirmed.
    templates = db.session.scalars(select(OutboxMessage.template).where(
        OutboxMessage.recipient == "sara.berg@example.se").order_by(OutboxMessage.id)).all()
    assert templates == ["supervisor_confirm", "supervisor_already_registered"]
    note = smtp.last_to("sara.berg@example.se")
    assert second.get(path_of(mail_link(note, "/supervisors/confirm/"))).status_code == 302
    assert profiles()[0].status == ST.PENDING


def test_invalid_and_expired_links(client, app, monkeypatch):
    assert client.get("/supervisors/confirm/garbage").status_code == 404
    assert client.get("/supervisors/confirm/" + "A" * 600).status_code == 404
    supervisor = factories.make_supervisor(status="unconfirmed", with_account=False)
    token = services.confirm_token(supervisor)
    monkeypatch.setitem(app.config, "CONFIRM_TOKEN_MAX_AGE", -1)
    expired = client.get(f"/supervisors/confirm/{token}")
    assert expired.status_code == 400
    assert 'id="confirm-invalid"' in expired.get_data(as_text=True)
    assert profiles()[0].status == ST.UNCONFIRMED


# --- an employer admin registers a colleague -------------------------------------------------

def test_employer_admin_registers_a_colleague_who_consents(login_as, smtp, app):
    org = factories.make_organisation(sectors=["cleaning"], municipality="Hässleholm")
    admin = login_as(factories.employer_of(org))
    url = f"/organisations/{org.id}/supervisors"
    page = admin.get(url)
    assert page.status_code == 200 and 'id="colleague-form"' in page.get_data(as_text=True)
    response = submit(admin, url, colleague_form())
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    [supervisor] = profiles()
    assert supervisor.status == ST.UNCONFIRMED
    assert supervisor.registered_by_id == admin.user.id
    assert (supervisor.organisation_id, supervisor.municipality) == (org.id, "Hässleholm")
    assert supervisor.consent_at is None  # the colleague has not consented yet
    listed = admin.get(url).get_data(as_text=True)
    assert f'id="supervisor-{supervisor.id}" data-status="unconfirmed"' in listed

    message = smtp.last_to("omar.ali@example.se")
    assert message["Content-Language"] == "en"
    link = path_of(mail_link(message, "/supervisors/confirm/"))
    colleague = app.test_client()
    shown = colleague.get(link)
    assert shown.status_code == 200 and 'id="consent-form"' in shown.get_data(as_text=True)
    assert profiles()[0].status == ST.UNCONFIRMED  # following the link is not consenting
    refused = submit(colleague, link, {})
    assert refused.status_code == 422 and 'href="#consent"' in refused.get_data(as_text=True)
    assert profiles()[0].status == ST.UNCONFIRMED
    agreed = submit(colleague, link, {"consent": "y"})
    assert agreed.status_code == 302 and agreed.headers["Location"].endswith("/confirmed")
    supervisor = profiles()[0]
    assert supervisor.status == ST.PENDING and supervisor.consent_at is not None


def test_an_address_with_a_profile_elsewhere_is_not_revealed_to_an_admin(login_as, smtp):
    elsewhere = factories.make_supervisor(email="omar.ali@example.se")
    org = factories.make_organisation()
    admin = login_as(factories.employer_of(org))
    url = f"/organisations/{org.id}/supervisors"
    response = submit(admin, url, colleague_form())
    assert response.status_code == 302
    assert [s.id for s in profiles()] == [elsewhere.id]
    assert profiles()[0].organisation_id == elsewhere.organisation_id
    assert f'id="supervisor-{elsewhere.id}"' not in admin.get(url).get_data(as_text=True)
    assert smtp.last_to("omar.ali@example.se")  # the person hears of it
    # At the admin's own organisation: said plainly, the list shows them anyway.
    own = factories.make_supervisor(org, email="own@example.se", status="pending")
    again = submit(admin, url, colleague_form(email="Own@example.se"))
    assert again.status_code == 422 and 'href="#email"' in again.get_data(as_text=True)
    assert len(profiles()) == 2 and own.organisation_id == org.id


def test_only_the_organisations_active_admins_see_its_supervisors(login_as):
    org_a = factories.make_organisation(name="Alfa Städ AB")
    org_b = factories.make_organisation(name="Beta Bygg AB")
    supervisor = factories.make_supervisor(org_a, full_name="Hemlig Handledare")
    url = f"/organisations/{org_a.id}/supervisors"
    employer_b = login_as(factories.employer_of(org_b))
    for response in (employer_b.get(url), submit(employer_b, url, colleague_form(),
                                                 get_url="/organisation")):
        assert response.status_code == 404
        body = response.get_data(as_text=True)
        assert "Alfa Städ AB" not in body and supervisor.full_name not in body
    member = login_as(factories.employer_of(org_a, org_role="member"))
    assert member.get(url).status_code == 404
    assert len(profiles()) == 1
    assert login_as(supervisor.user).get(url).status_code == 403
    assert login_as("staff").get(url).status_code == 403


# --- staff decide -----------------------------------------------------------------------------

def test_declining_needs_a_reason_which_is_mailed(login_as, smtp):
    supervisor = factories.make_supervisor(status="pending", with_account=False)
    staff = login_as("staff")
    refused = staff_decide(staff, supervisor, "decline", reason="  ")
    assert refused.status_code == 422
    assert 'href="#reason"' in refused.get_data(as_text=True)
    assert profiles()[0].status == ST.PENDING
    reason = "Vi behöver handledare i Osby just nu."
    assert staff_decide(staff, supervisor, "decline", reason=reason).status_code == 302
    supervisor = profiles()[0]
    assert supervisor.status == ST.DECLINED and supervisor.decline_reason == reason
    assert supervisor.user_id is None
    assert reason in mail_text(smtp.last_to(supervisor.email))
    page = staff.get(f"/staff/supervisors/{supervisor.id}").get_data(as_text=True)
    assert 'data-status="declined"' in page and reason in page
    assert 'id="approve-form"' not in page and 'id="decline-form"' not in page


def test_a_decision_on_a_stale_page_is_refused_and_changes_nothing(login_as, app):
    supervisor = factories.make_supervisor(status="pending", with_account=False)
    first, second = login_as("staff"), login_as("staff")
    page = f"/staff/supervisors/{supervisor.id}"
    stale = hidden_inputs(first.get(page).get_data(as_text=True))
    assert staff_decide(second, supervisor, "approve").status_code == 302
    approved_version = profiles()[0].version_id
    response = first.post(f"{page}/decline", data={**stale, "reason": "Passar inte."})
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and 'id="error-summary"' in body
    supervisor = profiles()[0]
    assert supervisor.status == ST.APPROVED and supervisor.decline_reason == ""
    assert supervisor.version_id == approved_version
    # The page shown carries the newer state: deactivating from it works.
    assert 'id="deactivate-form"' in body
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.object_id == supervisor.id,
        AuditEvent.action == "supervisor.status_changed")) == 1
    fresh = hidden_inputs(body)
    assert first.post(f"{page}/deactivate", data={**fresh, "reason": "Slutat."}
                      ).status_code == 302


def test_a_deactivated_supervisor_loses_their_page(login_as, smtp):
    supervisor = factories.make_supervisor(status="approved")
    own = login_as(supervisor.user)
    assert own.get("/supervisor/profile").status_code == 200
    staff = login_as("staff")
    assert staff_decide(staff, supervisor, "deactivate", reason="").status_code == 422
    assert staff_decide(staff, supervisor, "deactivate",
                        reason="Har slutat på arbetsplatsen.").status_code == 302
    supervisor = profiles()[0]
    assert supervisor.status == ST.DEACTIVATED
    assert db.session.get(User, supervisor.user_id).supervisor is None
    assert own.get("/supervisor/").status_code == 403
    assert own.get("/supervisor/profile").status_code == 403
    listed = staff.get("/staff/supervisors/?status=deactivated").get_data(as_text=True)
    assert row_ids(listed) == [supervisor.id] and 'data-status="deactivated"' in listed
    smtp.clear()
    assert staff_decide(staff, supervisor, "reactivate").status_code == 302
    assert profiles()[0].status == ST.APPROVED
    assert own.get("/supervisor/profile").status_code == 200
    assert mail_link(smtp.last_to(supervisor.email), "/supervisor/")


# --- the supervisor's own profile -----------------------------------------------------------

def _profile_form(**over) -> dict:
    today = local_today()
    data = {"phone": "070-999 88 77", "tasks": "Disk och servering.",
            "languages": "svenska, tigrinja", "capacity": "3",
            "period1_from": today.isoformat(), "period1_to": "",
            "period2_from": "", "period2_to": "", "period3_from": "", "period3_to": ""}
    data.update(over)
    return data


def test_the_supervisor_updates_their_profile(login_as, app):
    supervisor = factories.make_supervisor(capacity=1)
    client = login_as(supervisor.user)
    response = submit(client, "/supervisor/profile", _profile_form())
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    supervisor = profiles()[0]
    assert (supervisor.phone, supervisor.capacity, supervisor.languages) == (
        "070-999 88 77", 3, "svenska, tigrinja")
    assert [(p.starts_on, p.ends_on) for p in supervisor.availability] == [
        (local_today(), None)]
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "supervisor.profile_updated"))
    assert event.actor_id == supervisor.user_id
    assert event.changes["phone"] == {"before": "…", "after": "…"}  # not the number itself
    assert set(event.changes) == {"phone", "tasks", "languages", "capacity", "availability"}

    # A stale form (staff changed the profile meanwhile) is refused with a 409.
    stale = hidden_inputs(client.get("/supervisor/profile").get_data(as_text=True))
    services.update_profile(supervisor, values={"phone": "08-123 456", "tasks": "Disk.",
                                                "languages": "", "capacity": 2},
                            periods=services.periods_of(supervisor),
                            actor=factories.make_user("staff"), expected_version=None)
    db.session.commit()
    conflict = client.post("/supervisor/profile", data={**stale, **_profile_form(
        phone="070-000 00 00")})
    assert conflict.status_code == 409
    assert profiles()[0].phone == "08-123 456"

    # Not below the placements already holding a place.
    supervisor = profiles()[0]
    for _ in range(2):
        factories.make_placement(factories.make_participant(), supervisor.organisation,
                                 supervisor, state="active")
    lower = submit(client, "/supervisor/profile", _profile_form(capacity="1"))
    assert lower.status_code == 422 and 'href="#capacity"' in lower.get_data(as_text=True)
    assert profiles()[0].capacity == 2


def test_the_supervisor_page(login_as):
    """Name, workplace and training, with the placement and mentor-training parts."""
    org = factories.make_organisation(name="Osby Storkök")
    supervisor = factories.make_supervisor(org, trained_on=local_today() - timedelta(days=9))
    client = login_as(supervisor.user)
    assert client.get("/").headers["Location"].endswith("/supervisor/")
    page = client.get("/supervisor/")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert supervisor.full_name in body and "Osby Storkök" in body
    assert 'id="home-trained" data-trained="yes"' in body
    assert 'href="/supervisor/"' in body  # in the menu
    assert 'href="/organisation"' not in body  # a supervisor account has no organisation page


# --- the staff register ---------------------------------------------------------------------

def test_register_filters(login_as):
    participant = factories.make_participant()
    harryda = factories.make_organisation(municipality="Härryda")
    osby = factories.make_organisation(municipality="Osby")
    full = factories.make_supervisor(harryda, full_name="Amina Full", capacity=1,
                                     trained_on=local_today(), languages="svenska, arabiska")
    factories.make_placement(participant, harryda, full, state="active")
    one_left = factories.make_supervisor(osby, full_name="Bertil Ett", capacity=2,
                                         sectors=["care"], languages="svenska")
    factories.make_placement(participant, osby, one_left, state="agreed")
    roomy = factories.make_supervisor(harryda, full_name="Cecilia Rum", capacity=2,
                                      languages="engelska")
    factories.make_placement(participant, harryda, roomy, state="proposed")
    factories.make_placement(participant, harryda, roomy, state="ended")
    waiting = factories.make_supervisor(osby, full_name="Zlatan Väntar", status="pending",
                                        with_account=False, trained_on=local_today())
    client = login_as("staff")

    def rows(query: str = "") -> list[int]:
        response = client.get(f"/staff/supervisors/?{query}")
        assert response.status_code == 200
        return row_ids(response.get_data(as_text=True))

    assert rows() == [waiting.id, full.id, one_left.id, roomy.id]  # pending first
    assert rows("free=yes&status=approved") == [one_left.id, roomy.id]
    assert rows("free=no") == [full.id]
    assert rows("trained=yes") == [waiting.id, full.id]
    assert rows("trained=no") == [one_left.id, roomy.id]
    assert rows("sector=care") == [one_left.id]
    assert rows("municipality=osby") == [waiting.id, one_left.id]
    assert rows("language=ARAB") == [full.id]
    assert rows("q=cecilia") == [roomy.id]
    assert rows("status=pending") == [waiting.id]
    assert rows("free=yes&trained=yes&status=approved") == []
    body = client.get("/staff/supervisors/").get_data(as_text=True)
    assert f'<tr id="row-{one_left.id}"' in body
    frees = dict(re.findall(r'<tr id="row-(\d+)".*?data-free="(-?\d+)"', body, re.S))
    assert frees == {str(full.id): "0", str(one_left.id): "1", str(roomy.id): "2",
                     str(waiting.id): "2"}
    # htmx asks for the list only.
    partial = client.get("/staff/supervisors/?sector=care",
                         headers={"HX-Request": "true", "HX-Target": "supervisors"})
    assert "<html" not in partial.get_data(as_text=True)
    assert row_ids(partial.get_data(as_text=True)) == [one_left.id]
    assert "HX-Request" in partial.headers["Vary"]


def test_register_pages(login_as, app, monkeypatch):
    for n in range(5):
        factories.make_supervisor(full_name=f"Person{n} Testsson")
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    client = login_as("staff")
    first = client.get("/staff/supervisors/").get_data(as_text=True)
    third = client.get("/staff/supervisors/?page=3").get_data(as_text=True)
    beyond = client.get("/staff/supervisors/?page=99")
    assert len(row_ids(first)) == 2 and len(row_ids(third)) == 1
    assert beyond.status_code == 200 and row_ids(beyond.get_data(as_text=True)) == []


def test_only_staff_see_the_register_and_profiles(login_as, client):
    supervisor = factories.make_supervisor(status="pending", with_account=False)
    for url in ("/staff/supervisors/", f"/staff/supervisors/{supervisor.id}"):
        assert client.get(url).status_code == 302
        assert login_as("employer").get(url).status_code == 403
    assert login_as("staff").get("/staff/supervisors/999999").status_code == 404


# --- demo data -------------------------------------------------------------------------------

def test_demo_seed(app):
    from portal.core.demo import DEMO_PASSWORD
    from portal.supervisors.demo import SUPERVISORS, seed

    for name in {p["organisation"] for p in SUPERVISORS if p.get("organisation")}:
        org = factories.make_organisation(name=name)
        factories.employer_of(org)
    staff = factories.make_user("staff")
    made = seed(staff=staff, today=local_today())
    db.session.commit()
    assert len(made) == 8
    statuses = sorted(s.status for s in profiles())
    assert statuses == sorted(["approved"] * 4 + ["pending"] * 2 + ["unconfirmed",
                                                                    "declined"])
    assert sum(1 for s in profiles() if s.trained_on) >= 3
    approved = [s for s in profiles() if s.status == ST.APPROVED]
    assert all(s.user is not None and s.user.role == Role.SUPERVISOR for s in approved)
    client = app.test_client()
    assert submit(client, "/login", {"email": approved[0].email,
                                     "password": DEMO_PASSWORD}).status_code == 302
    assert seed(staff=staff, today=local_today()) == []  # once only
    assert PASSWORD != DEMO_PASSWORD


# --- two staff deciding at once ------------------------------------------------------------------

@pytest.mark.committed
def test_two_staff_deciding_at_once_one_is_told_of_the_other(app):
    """Two connections approve and decline the same pending profile from the same page at
    the same moment: the row lock lets one through; the other then meets the newer version
    (a ConflictError, so a 409), and only one decision and at most one account exist."""
    import threading

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("needs PostgreSQL's row locks (SQLite has one writer at a time)")
    from portal.core.errors import ConflictError, DomainError
    from portal.employers.models import Organisation

    with app.app_context():
        staff = [factories.make_user("staff") for _ in range(2)]
        supervisor = factories.make_supervisor(status="pending", with_account=False)
        ids = {"supervisor": supervisor.id, "staff": [u.id for u in staff],
               "org": supervisor.organisation_id, "email": supervisor.email,
               "version": supervisor.version_id}
        db.session.commit()
    results, errors = [], []
    barrier = threading.Barrier(2)

    def decide(actor_id, to, reason):
        try:
            with app.app_context():
                actor = db.session.get(User, actor_id)
                found = db.session.get(Supervisor, ids["supervisor"])
                barrier.wait(timeout=10)
                try:
                    services.transition(found, to, actor=actor, reason=reason,
                                        expected_version=ids["version"])
                except ConflictError:
                    results.append("conflict")
                    db.session.rollback()
                except DomainError as exc:
                    results.append(f"refused: {exc.message}")
                    db.session.rollback()
                else:
                    results.append(to.value)
                    db.session.commit()
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=decide, args=(ids["staff"][0], ST.APPROVED, "")),
               threading.Thread(target=decide, args=(ids["staff"][1], ST.DECLINED,
                                                     "Passar inte."))]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert not errors, errors
        assert sorted(results) in (["approved", "conflict"], ["conflict", "declined"])
        with app.app_context():
            found = db.session.get(Supervisor, ids["supervisor"])
            assert found.status in results
            assert found.version_id > ids["version"]
            accounts_made = db.session.scalar(select(func.count()).select_from(User).where(
                User.email == ids["email"]))
            assert accounts_made == (1 if found.status == ST.APPROVED else 0)
    finally:
        with app.app_context():
            db.session.execute(db.delete(OutboxMessage).where(
                OutboxMessage.recipient == ids["email"]))
            db.session.execute(db.delete(Supervisor).where(
                Supervisor.id == ids["supervisor"]))
            db.session.execute(db.delete(User).where(
                User.id.in_(ids["staff"]) | (User.email == ids["email"])))
            db.session.execute(db.delete(Organisation).where(Organisation.id == ids["org"]))
            db.session.commit()  # (their audit events stay: the trail is append-only)
