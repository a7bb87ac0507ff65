"""Weekly attendance on a running course."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.core.dates import local_today
from portal.extensions import db
from portal.training import attendance, enrolment
from portal.training.enums import CohortState
from portal.training.models import Attendance
from tests import factories
from tests.support import hidden_inputs
from tests.training.test_enrolment import _course, _person


def _running_course_with(n, staff):
    cohort = _course(seats=10, staff=staff)
    # Started three weeks ago, so this week is one of its weeks.
    cohort.start_date = attendance.monday(local_today()) - timedelta(weeks=3)
    cohort.end_date = cohort.start_date + timedelta(weeks=14) - timedelta(days=1)
    placed = [enrolment.enrol(cohort, _person(staff=staff), actor=staff) for _ in range(n)]
    for e in placed:
        e.enrolled_on = cohort.start_date
    from portal.training import services as training

    training.transition(cohort, CohortState.RECRUITING, actor=staff)
    training.transition(cohort, CohortState.RUNNING, actor=staff)
    db.session.commit()
    return cohort, placed


def test_staff_record_a_week_and_correct_it(login_as):
    staff = factories.make_user("staff")
    cohort, placed = _running_course_with(2, staff)
    client = login_as(staff)
    week = attendance.monday(local_today())
    url = f"/staff/cohorts/{cohort.id}/attendance?week={week.isoformat()}"
    page = client.get(url).get_data(as_text=True)
    data = {**hidden_inputs(page), "enrolment_id": [str(e.id) for e in placed],
            "present": ["30", "24"], "absent": ["0", "6"]}
    assert client.post(url, data=data).status_code == 302
    rows = {r.enrolment_id: (r.present_hours, r.absent_hours)
            for r in db.session.scalars(select(Attendance))}
    assert rows == {placed[0].id: (30, 0), placed[1].id: (24, 6)}
    data["absent"] = ["2", "6"]
    assert client.post(url, data=data).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(Attendance).where(
        Attendance.enrolment_id == placed[0].id)).absent_hours == 2
    assert len(list(db.session.scalars(select(Attendance)))) == 2  # corrected, not added


def test_bad_hours_are_shown_by_their_field_and_nothing_is_saved(login_as):
    staff = factories.make_user("staff")
    cohort, placed = _running_course_with(2, staff)
    client = login_as(staff)
    url = f"/staff/cohorts/{cohort.id}/attendance"
    page = client.get(url).get_data(as_text=True)
    data = {**hidden_inputs(page), "enrolment_id": [str(e.id) for e in placed],
            "present": ["trettio", "24"], "absent": ["0", "61"]}
    response = client.post(url, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'href="#present-{placed[0].id}"' in html and f'href="#absent-{placed[1].id}"' in html
    assert 'value="trettio"' in html
    assert db.session.scalar(select(Attendance)) is None


def test_attendance_waits_until_the_course_runs(login_as):
    staff = factories.make_user("staff")
    cohort = _course(staff=staff)
    client = login_as(staff)
    response = client.get(f"/staff/cohorts/{cohort.id}/attendance")
    assert response.status_code == 302
    assert "flash-error" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_week_lists_only_who_was_on_the_course():
    staff = factories.make_user("staff")
    cohort, placed = _running_course_with(3, staff)
    first_week = cohort.start_date
    placed[1].enrolled_on = first_week + timedelta(weeks=2)
    enrolment.change(placed[2], "drop_out", actor=staff, reason="Fick jobb.",
                     on=first_week + timedelta(days=3))
    db.session.commit()
    assert {e.id for e in attendance.enrolments_in_week(cohort, first_week)} == {
        placed[0].id, placed[2].id}
    later = first_week + timedelta(weeks=2)
    assert {e.id for e in attendance.enrolments_in_week(cohort, later)} == {
        placed[0].id, placed[1].id}
