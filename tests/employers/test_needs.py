"""Hiring needs: the shipped occupation list, recording, editing and closing needs."""

from __future__ import annotations

from sqlalchemy import select

from portal.core.models import AuditEvent
from portal.employers import occupations
from portal.employers.enums import NeedStatus, Sector
from portal.employers.models import HiringNeed
from portal.extensions import db
from tests import factories
from tests.support import hidden_inputs, submit


def need_form(**overrides) -> dict:
    data = {"occupation_code": "4322", "headcount": "6", "timeframe": "within_3_months",
            "employment_form": "fixed_term", "hours_per_week": "40",
            "location": "Härryda logistikpark", "swedish_level": "basic",
            "driving_licence": "none", "shift_work": "y", "physical_demands": "heavy",
            "no_formal_education": "y", "plus_languages": "arabiska, tigrinja",
            "description": "Plock och pack, truckkort är ett plus."}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def needs_of(org):
    db.session.expire_all()
    return list(db.session.scalars(select(HiringNeed).where(
        HiringNeed.organisation_id == org.id).order_by(HiringNeed.id)))


def test_the_occupation_list_covers_the_domain_with_ssyk_codes(app):
    # The occupations the labour-market units recruit for, by their SSYK 2012 codes.
    named = {"9111": "cleaner", "4322": "warehouse worker", "5222": "shop assistant",
             "9412": "kitchen assistant", "5120": "cook", "5330": "care assistant",
             "5321": "assistant nurse", "8332": "driver", "8189": "machine operator"}
    assert set(named) <= occupations.CODES
    assert all(len(code) == 4 and code.isdigit() for code in occupations.CODES)
    groups = dict(occupations.grouped_choices())
    assert {str(s.label) for s in Sector} == {str(k) for k in groups}
    every = [code for items in groups.values() for code, _ in items]
    assert len(every) == len(set(every)) and every[-1] == occupations.OTHER
    assert occupations.sector_of("9111") == Sector.CLEANING


def test_record_a_need_and_see_it_by_status(login_as):
    org = factories.make_organisation()
    client = login_as(factories.employer_of(org))
    response = submit(client, f"/organisations/{org.id}/needs/new", need_form())
    assert response.status_code == 302
    (need,) = needs_of(org)
    assert (need.occupation_code, need.headcount, need.shift_work) == ("4322", 6, True)
    assert need.status == NeedStatus.OPEN and not need.registered_by_staff
    page = client.get(f"/organisations/{org.id}/needs").get_data(as_text=True)
    assert "(4322)" in page
    # Marked filled, it leaves the open list and shows under filled.
    token = hidden_inputs(page)["csrf_token"]
    client.post(f"/organisations/{org.id}/needs/{need.id}/status",
                data={"csrf_token": token, "status": "filled"})
    assert needs_of(org)[0].status == NeedStatus.FILLED
    row = f"/needs/{need.id}/edit"
    assert row not in client.get(f"/organisations/{org.id}/needs?status=open").get_data(
        as_text=True)
    assert row in client.get(f"/organisations/{org.id}/needs?status=filled").get_data(
        as_text=True)
    audit = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "hiring_needs", AuditEvent.object_id == need.id)).all()
    assert audit == ["need.created", "need.status"]


def test_other_occupation_needs_a_description_and_the_input_is_kept(login_as):
    org = factories.make_organisation()
    client = login_as(factories.employer_of(org))
    response = submit(client, f"/organisations/{org.id}/needs/new",
                      need_form(occupation_code="other", occupation_other="",
                                headcount="0", location="Bäckebol <3"))
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#occupation_other"' in body and 'href="#headcount"' in body
    assert 'value="Bäckebol &lt;3"' in body
    assert needs_of(org) == []
    response = submit(client, f"/organisations/{org.id}/needs/new",
                      need_form(occupation_code="other", occupation_other="Cykelbud"))
    assert response.status_code == 302
    assert needs_of(org)[0].occupation_label == "Cykelbud"


def test_an_unknown_occupation_code_is_refused(login_as):
    org = factories.make_organisation()
    client = login_as(factories.employer_of(org))
    response = submit(client, f"/organisations/{org.id}/needs/new",
                      need_form(occupation_code="2512"))  # software developers: not listed
    assert response.status_code == 422
    assert needs_of(org) == []


def test_two_people_editing_the_same_need(login_as):
    org = factories.make_organisation()
    need = factories.make_need(org)
    first = login_as(factories.employer_of(org))
    second = login_as(factories.make_user("staff"))
    url = f"/organisations/{org.id}/needs/{need.id}/edit"
    stale = hidden_inputs(second.get(url).get_data(as_text=True))
    assert submit(first, url, need_form(headcount="8")).status_code == 302
    response = second.post(url, data={**stale, **need_form(headcount="2")})
    assert response.status_code == 409
    assert "error-summary" in response.get_data(as_text=True)
    assert needs_of(org)[0].headcount == 8


def test_staff_may_record_a_need_for_an_organisation_and_it_is_marked(login_as):
    org = factories.make_organisation()
    client = login_as("staff")
    assert submit(client, f"/organisations/{org.id}/needs/new", need_form()).status_code == 302
    assert needs_of(org)[0].registered_by_staff


def test_a_double_submit_records_one_need(login_as):
    org = factories.make_organisation()
    client = login_as(factories.employer_of(org))
    page = client.get(f"/organisations/{org.id}/needs/new").get_data(as_text=True)
    data = {**hidden_inputs(page), **need_form()}
    client.post(f"/organisations/{org.id}/needs/new", data=data)
    client.post(f"/organisations/{org.id}/needs/new", data=data)
    assert len(needs_of(org)) == 1
