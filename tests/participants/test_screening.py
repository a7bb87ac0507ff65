"""Admins adapt the screening guide; staff see the adapted wording beside the form."""

from __future__ import annotations

from sqlalchemy import select

from portal.core.models import AuditEvent
from portal.extensions import db
from portal.participants.models import ScreeningQuestion
from tests.support import hidden_inputs

URL = "/admin/screening/cleaning"


def test_an_admin_rewords_a_sector_and_staff_see_it_then_the_shipped_ones_return(login_as):
    admin = login_as("admin")
    shipped = admin.get(URL).get_data(as_text=True)
    assert "<textarea" in shipped
    data = {**hidden_inputs(shipped),
            "questions": "Kan du börja klockan sex?\n\n  Tål du städkemikalier?  \n"}
    assert admin.post(URL, data=data).status_code == 302
    assert list(db.session.scalars(select(ScreeningQuestion.text).order_by(
        ScreeningQuestion.position))) == ["Kan du börja klockan sex?", "Tål du städkemikalier?"]
    staff_form = login_as("staff").get("/staff/participants/new").get_data(as_text=True)
    assert "Kan du börja klockan sex?" in staff_form
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "screening.changed"))
    assert event.changes["questions"]["after"] == ["Kan du börja klockan sex?",
                                                   "Tål du städkemikalier?"]
    page = admin.get(URL).get_data(as_text=True)
    restore_token = hidden_inputs(page)["csrf_token"]
    assert admin.post(f"{URL}/restore", data={"csrf_token": restore_token}).status_code == 302
    assert db.session.scalar(select(ScreeningQuestion.id)) is None
    assert "Kan du börja klockan sex?" not in admin.get("/admin/screening/").get_data(
        as_text=True)


def test_too_many_or_too_long_questions_are_refused_and_the_text_kept(login_as):
    admin = login_as("admin")
    hidden = hidden_inputs(admin.get(URL).get_data(as_text=True))
    many = "\n".join(f"Fråga nummer {i}?" for i in range(11))
    response = admin.post(URL, data={**hidden, "questions": many})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="questions-error"' in page and "Fråga nummer 10?" in page
    response = admin.post(URL, data={**hidden, "questions": "x" * 301})
    assert response.status_code == 422
    assert db.session.scalar(select(ScreeningQuestion.id)) is None


def test_two_admins_saving_the_same_sector_the_second_is_told(login_as):
    admin = login_as("admin")
    both = hidden_inputs(admin.get(URL).get_data(as_text=True))
    assert admin.post(URL, data={**both, "questions": "Första?"}).status_code == 302
    response = admin.post(URL, data={**both, "questions": "Andra?"})
    assert response.status_code == 409
    assert "Andra?" in response.get_data(as_text=True)  # kept for them to compare
    assert list(db.session.scalars(select(ScreeningQuestion.text))) == ["Första?"]


def test_an_unknown_sector_is_not_found_and_staff_may_not_edit(login_as):
    assert login_as("admin").get("/admin/screening/astronaut").status_code == 404
    assert login_as("staff").get(URL).status_code == 403
