"""Weekly attendance on a running course: hours present and absent per participant."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select

from portal.accounts.models import User
from portal.core import audit
from portal.core.errors import DomainError
from portal.extensions import db
from portal.training.enums import CohortState, EnrolmentStatus
from portal.training.models import Attendance, Cohort, Enrolment

HOURS_MAX = 60
RECORDED_STATES = frozenset({CohortState.RUNNING, CohortState.COMPLETED})


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weeks(cohort: Cohort) -> list[date]:
    first, last = monday(cohort.start_date), monday(cohort.end_date)
    return [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]


def enrolments_in_week(cohort: Cohort, week: date) -> list[Enrolment]:
    """Who was on the course that week: enrolled by its end, not ended before it began."""
    end = week + timedelta(days=6)
    return list(db.session.scalars(
        select(Enrolment).where(
            Enrolment.cohort_id == cohort.id,
            Enrolment.status.in_([EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED,
                                  EnrolmentStatus.DROPPED_OUT]),
            Enrolment.enrolled_on <= end,
            or_(Enrolment.ended_on.is_(None), Enrolment.ended_on >= week))
        .order_by(Enrolment.queued_at, Enrolment.id)))


def recorded(enrolments: list[Enrolment], week: date) -> dict[int, Attendance]:
    ids = [e.id for e in enrolments]
    if not ids:
        return {}
    rows = db.session.scalars(select(Attendance).where(
        and_(Attendance.enrolment_id.in_(ids), Attendance.week_start == week)))
    return {row.enrolment_id: row for row in rows}


def parse_hours(raw: str) -> int | None:
    """Whole hours 0–60 as typed (blank is 0); None when it is not that."""
    raw = (raw or "").strip()
    if raw == "":
        return 0
    if not raw.isdecimal() or len(raw) > 2:
        return None
    value = int(raw)
    return value if value <= HOURS_MAX else None


def save(cohort: Cohort, week: date, hours: dict[int, tuple[int, int]], *, actor: User
         ) -> int:
    """Store the week's hours; returns how many rows changed (audited on the course)."""
    if cohort.state_enum not in RECORDED_STATES:
        raise DomainError(_("Attendance is recorded while the course runs."))
    if week not in weeks(cohort):
        raise DomainError(_("Choose a week of the course."), "week")
    people = enrolments_in_week(cohort, week)
    if not set(hours) <= {e.id for e in people}:
        raise DomainError(_("Reload the page and try again."))
    existing = recorded(people, week)
    changed = 0
    for enrolment_id, (present, absent) in sorted(hours.items()):
        row = existing.get(enrolment_id)
        if row is None:
            row = Attendance(enrolment_id=enrolment_id, week_start=week)
            db.session.add(row)
        elif (row.present_hours, row.absent_hours) == (present, absent):
            continue
        row.present_hours, row.absent_hours = present, absent
        row.updated_by_id = actor.id
        changed += 1
    if changed:
        db.session.flush()
        audit.record("attendance.saved", cohort, actor=actor,
                     changes={"week": week.isoformat(), "rows": changed})
    return changed
