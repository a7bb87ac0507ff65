"""The rows behind each figure, for staff managers to check a number against the people,
requests and organisations it counts. Each is one ordered query the page paginates; the
CSV of the rows that name people is audited (views.rows_csv)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from portal.participants.models import Participant
from portal.reports import figures
from portal.reports.periods import Period


@dataclass(frozen=True)
class Kind:
    key: str
    title: object
    personal: bool  # names people: staff only, and exporting it is audited


KINDS = {k.key: k for k in (
    Kind("started", _l("People who began a measure"), True),
    Kind("ended", _l("People who ended a measure, with their outcomes"), True),
    Kind("converted", _l("Internships that ended"), True),
    Kind("requests", _l("Requests received"), False),
    Kind("employers_new", _l("New employers"), False),
    Kind("employers_active", _l("Active employers"), False),
    Kind("supervisors_trained", _l("Supervisors trained"), True),
)}


def _measure_columns(m):
    """Join a measures subquery to what names the measure: the course, event or host."""
    from portal.employers.models import Organisation
    from portal.events.models import RecruitmentEvent
    from portal.placements.models import Placement
    from portal.training.models import Cohort

    host = aliased(Organisation)
    query = (select(Participant.id, Participant.first_name, Participant.last_name,
                    Participant.case_reference, Participant.unit, m.c.measure_type,
                    m.c.sector, Cohort.title, RecruitmentEvent.title, host.name,
                    m.c.started_on, m.c.ended_on, m.c.interrupted)
             .select_from(m)
             .join(Participant, Participant.id == m.c.participant_id)
             .outerjoin(Cohort, Cohort.id == m.c.cohort_id)
             .outerjoin(RecruitmentEvent, RecruitmentEvent.id == m.c.event_id)
             .outerjoin(Placement, Placement.id == m.c.placement_id)
             .outerjoin(host, host.id == Placement.organisation_id))
    return query


def query(kind: str, period: Period, filters: figures.Filters, settings: figures.Settings):
    today = settings.today
    last = min(period.end, today)
    if kind == "started":
        m = figures.measures(filters)
        return (_measure_columns(m)
                .where(m.c.started_on >= period.start, m.c.started_on <= last)
                .order_by(m.c.started_on, Participant.last_name, Participant.id))
    if kind in ("ended", "converted"):
        if kind == "ended":
            m = figures._latest_ended(period, filters, today)
        else:
            from portal.requests.enums import PlacementType

            ended = figures.ended_between(filters, period.start, last).subquery("ended")
            m = select(ended).where(
                ended.c.measure_type == PlacementType.INTERNSHIP.value).subquery("internships")
        q = _measure_columns(m).add_columns(m.c.end_status, m.c.follow_up_status,
                                            m.c.late_status, m.c.placement_outcome)
        return q.order_by(m.c.ended_on, Participant.last_name, Participant.id)
    start, end_moment = figures._bounds(period, today)
    if kind == "requests":
        from portal.employers.models import Organisation
        from portal.requests.models import ServiceRequest as R

        return (select(R.id, R.reference, Organisation.name, R.kind, R.state, R.submitted_at,
                       R.first_response_at, R.committed_at)
                .join(Organisation, Organisation.id == R.organisation_id)
                .where(R.submitted_at >= start, R.submitted_at < end_moment)
                .order_by(R.submitted_at, R.id))
    if kind in ("employers_new", "employers_active"):
        from portal.employers.models import Organisation

        q = select(Organisation.id, Organisation.name, Organisation.org_number,
                   Organisation.municipality, Organisation.created_at)
        if kind == "employers_new":
            q = q.where(Organisation.created_at >= start, Organisation.created_at < end_moment)
        else:
            active = figures.active_employers_query(period, today)
            q = q.where(Organisation.id.in_(select(active.c.organisation_id)))
        return q.order_by(Organisation.name, Organisation.id)
    if kind == "supervisors_trained":
        from portal.employers.models import Organisation
        from portal.supervisors.models import Supervisor

        return (select(Supervisor.id, Supervisor.full_name, Organisation.name,
                       Supervisor.department, Supervisor.trained_on)
                .outerjoin(Organisation, Organisation.id == Supervisor.organisation_id)
                .where(and_(Supervisor.trained_on >= period.start, Supervisor.trained_on <= last))
                .order_by(Supervisor.trained_on, Supervisor.full_name, Supervisor.id))
    raise KeyError(kind)


def is_date(value) -> bool:
    return isinstance(value, date)
