"""Employer onboarding: register, confirm by mail, log in, join, invite."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.core.models import AuditEvent
from portal.employers.models import Membership, Organisation
from portal.extensions import db
from tests import factories
from tests.support import PASSWORD, mail_link, mail_text, path_of, submit


def registration(**overrides):
    data = {
        "country": "SE", "org_number": factories.org_number(), "name": "Mölnlycke Städ AB",
        "street_address": "Storgatan 1", "postal_code": "435 30", "city": "Mölnlycke",
        "municipality": "Härryda", "sectors": ["cleaning", "care"], "size_band": "10-49",
        "phone": "031-724 61 00", "website": "", "description": "",
        "full_name": "Eva Johansson", "email": "Eva.Johansson@Example.se",
        "password": PASSWORD, "password_repeat": PASSWORD, "locale": "sv",
        "accept_terms": "y",
    }
    data.update(overrides)
    return data


def test_register_confirm_by_mail_and_log_in(client, smtp):
    data = registration()
    response = submit(client, "/register", data)
    assert response.status_code == 302
    assert "/register/done" in response.headers["Location"]

    org = db.session.scalar(select(Organisation).where(Organisation.org_number ==
                                                       data["org_number"]))
    assert org.name == "Mölnlycke Städ AB"
    assert [s.value for s in org.sectors] == ["cleaning", "care"]
    user = db.session.scalar(select(User).where(User.email == "eva.johansson@example.se"))
    assert user.email_confirmed_at is None

    # Not confirmed yet: login is refused with a clear message.
    refused = submit(client, "/login", {"email": data["email"], "password": PASSWORD})
    assert refused.status_code == 422
    assert "Bekräfta din e-postadress" in refused.get_data(as_text=True) or \
        "Confirm your e-mail" in refused.get_data(as_text=True)

    message = smtp.last_to("eva.johansson@example.se")
    assert "Eva Johansson" in mail_text(message)
    link = mail_link(message, "/confirm/")
    confirmed = client.get(path_of(link))
    assert confirmed.status_code == 302

    # The link works once.
    again = client.get(path_of(link), follow_redirects=True)
    assert "inte giltig" in again.get_data(as_text=True) or \
        "not valid" in again.get_data(as_text=True)

    # E-mail is case-insensitive at login too.
    response = submit(client, "/login", {"email": "EVA.johansson@example.SE",
                                         "password": PASSWORD})
    assert response.status_code == 302
    dashboard = client.get("/organisation")
    assert "Mölnlycke Städ AB" in dashboard.get_data(as_text=True)
    events = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.actor_id == user.id)).all()
    assert "organisation.registered" in events and "user.email_confirmed" in events


def test_registration_errors_keep_what_was_typed(client):
    data = registration(password_repeat="something else", org_number="556036-0794",
                        email="not-an-address")
    response = submit(client, "/register", data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="error-summary"' in body
    assert 'href="#org_number"' in body and 'href="#password_repeat"' in body
    assert 'aria-describedby="org_number-hint org_number-error"' in body
    assert 'value="Mölnlycke Städ AB"' in body and 'value="not-an-address"' in body
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0


def test_common_and_short_passwords_are_refused(client):
    for weak in ["password1234", "Sommar2024!", "kort"]:
        response = submit(client, "/register", registration(password=weak,
                                                              password_repeat=weak))
        assert response.status_code == 422, weak
        assert 'href="#password"' in response.get_data(as_text=True)


def test_double_submit_creates_one_organisation(client):
    page = client.get("/register").get_data(as_text=True)
    from tests.support import hidden_inputs

    fields = hidden_inputs(page) | registration()
    first = client.post("/register", data=fields)
    second = client.post("/register", data=fields)
    assert first.status_code == 302 and second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 1


def test_known_number_offers_to_join_and_admin_decides(client, smtp, login_as):
    org = factories.make_organisation(name="Osby Storkök")
    admin = factories.employer_of(org)
    response = submit(client, "/register", registration(org_number=org.org_number,
                                                        email="new@example.se"))
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "Osby Storkök" in body and 'value="new@example.se"' in body

    joined = submit(client, "/register/join", {
        "country": "SE", "org_number": org.org_number, "full_name": "Ny Person",
        "email": "new@example.se", "password": PASSWORD, "password_repeat": PASSWORD,
        "locale": "en"}, get_url="/register")
    # The GET above gave a register page; the join form needs its own token only.
    assert joined.status_code == 302, joined.get_data(as_text=True)[:3000]
    assert "Ny Person" in mail_text(smtp.last_to(admin.email))
    requester = db.session.scalar(select(User).where(User.email == "new@example.se"))
    client.get(path_of(mail_link(smtp.last_to("new@example.se"), "/confirm/")))

    admin_client = login_as(admin)
    members = admin_client.get(f"/organisations/{org.id}/members").get_data(as_text=True)
    assert "Ny Person" in members
    membership = db.session.scalar(select(Membership).where(Membership.user_id ==
                                                            requester.id))
    smtp.clear()
    decided = submit(admin_client, f"/organisations/{org.id}/members/{membership.id}/decision",
                     {"decision": "approve"}, get_url=f"/organisations/{org.id}/members")
    assert decided.status_code == 302
    assert smtp.to("new@example.se") and smtp.to(admin.email)
    db.session.expire_all()
    assert db.session.get(Membership, membership.id).status == "active"

    member_client = login_as(requester)
    assert "Osby Storkök" in member_client.get("/organisation").get_data(as_text=True)


def test_invited_colleague_joins_by_the_link(client, smtp, login_as):
    org = factories.make_organisation(name="Landvetter Åkeri")
    admin_client = login_as(factories.employer_of(org))
    response = submit(admin_client, f"/organisations/{org.id}/invite",
                      {"email": "kollega@example.se", "role": "member", "locale": "sv"})
    assert response.status_code == 302
    link = mail_link(smtp.last_to("kollega@example.se"), "/invitations/")
    page = client.get(path_of(link))
    assert "Landvetter Åkeri" in page.get_data(as_text=True)
    created = submit(client, path_of(link), {"full_name": "Kim Kollega", "password": PASSWORD,
                                             "password_repeat": PASSWORD, "locale": "sv"})
    assert created.status_code == 302
    colleague = login_as(db.session.scalar(select(User).where(User.email ==
                                                              "kollega@example.se")))
    assert "Landvetter Åkeri" in colleague.get("/organisation").get_data(as_text=True)
    # A used invitation cannot be used again.
    assert client.get(path_of(link)).status_code == 404


def test_member_cannot_edit_or_invite(login_as):
    org = factories.make_organisation()
    member = login_as(factories.employer_of(org, org_role="member"))
    assert member.get(f"/organisations/{org.id}").status_code == 200
    assert member.get(f"/organisations/{org.id}/edit").status_code == 404
    assert member.get(f"/organisations/{org.id}/invite").status_code == 404


def test_concurrent_profile_edits_second_is_told(login_as):
    org = factories.make_organisation(name="Original AB")
    admin = factories.employer_of(org)
    first, second = login_as(admin), login_as(admin)
    url = f"/organisations/{org.id}/edit"
    from tests.support import hidden_inputs

    form_1 = hidden_inputs(first.get(url).get_data(as_text=True))
    form_2 = hidden_inputs(second.get(url).get_data(as_text=True))
    base = {"municipality": "Härryda", "sectors": ["cleaning"], "size_band": "10-49"}
    assert first.post(url, data=form_1 | base | {"name": "Först AB"}).status_code == 302
    conflict = second.post(url, data=form_2 | base | {"name": "Sist AB"})
    assert conflict.status_code == 409
    assert 'id="error-summary"' in conflict.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).name == "Först AB"


def test_check_number_inline(client):
    org = factories.make_organisation()
    taken = client.get(f"/register/check-number?country=SE&org_number={org.org_number}",
                       headers={"HX-Request": "true"})
    assert taken.status_code == 200
    assert "check-taken" in taken.get_data(as_text=True)
    assert "<html" not in taken.get_data(as_text=True)  # just the fragment
    free = client.get(f"/register/check-number?country=SE&org_number={factories.org_number()}")
    assert "check-ok" in free.get_data(as_text=True) and "<html" in free.get_data(as_text=True)
    invalid = client.get("/register/check-number?country=DK&org_number=1234")
    assert "check-invalid" in invalid.get_data(as_text=True)
