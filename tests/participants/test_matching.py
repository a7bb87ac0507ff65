"""Matching help for an employer's hiring need: staff only."""

from __future__ import annotations

from portal.extensions import db
from portal.participants import services as participants
from portal.training import enrolment
from tests import factories
from tests.training.test_enrolment import _course


def _person(first, sectors, licence="none", staff=None):
    person = participants.create(values={
        "first_name": first, "last_name": "Matchsson", "case_reference": f"M-{first}",
        "driving_licence": licence}, sectors=list(sectors),
        actor=staff or factories.make_user("staff"))
    db.session.commit()
    return person


def test_staff_see_free_people_who_fit_with_the_licence_holders_first(login_as):
    staff = factories.make_user("staff")
    org = factories.make_organisation()
    need = factories.make_need(org, occupation_code="9111", driving_licence="B")
    _person("Utanlicens", ["cleaning"], staff=staff)
    _person("Medlicens", ["cleaning"], licence="BE", staff=staff)
    busy = _person("Upptagen", ["cleaning"], licence="B", staff=staff)
    _person("Vardare", ["care"], licence="B", staff=staff)
    enrolment.enrol(_course(staff=staff), busy, actor=staff)
    db.session.commit()
    client = login_as(staff)
    page = client.get(f"/staff/participants/for-need/{need.id}").get_data(as_text=True)
    assert "Medlicens" in page and "Utanlicens" in page
    assert page.index("Medlicens") < page.index("Utanlicens")
    assert "Upptagen" not in page and "Vardare" not in page
    # The employer's own needs page links staff, and only staff, to it.
    assert f"/staff/participants/for-need/{need.id}" in client.get(
        f"/organisations/{org.id}/needs").get_data(as_text=True)
    employer = login_as(factories.employer_of(org))
    assert f"/staff/participants/for-need/{need.id}" not in employer.get(
        f"/organisations/{org.id}/needs").get_data(as_text=True)
    assert employer.get(f"/staff/participants/for-need/{need.id}").status_code == 403


def test_an_occupation_without_a_sector_asks_which_profile_to_look_for(login_as):
    org = factories.make_organisation()
    need = factories.make_need(org, occupation_code="other", occupation_other="Fönsterputs")
    _person("Putsare", ["cleaning"])
    client = login_as("staff")
    url = f"/staff/participants/for-need/{need.id}"
    assert "Putsare" not in client.get(url).get_data(as_text=True)
    assert "Putsare" in client.get(url + "?sector=cleaning").get_data(as_text=True)
    assert client.get(url + "?sector=%00bogus").status_code == 200
    assert client.get("/staff/participants/for-need/999999").status_code == 404
