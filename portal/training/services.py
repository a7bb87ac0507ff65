"""Cohort trainings: planned from demand or requests, committed to by employers, run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, literal, select
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.analyses.models import NeedsAnalysis
from portal.core import audit
from portal.core.errors import ConflictError, DomainError
from portal.core.mail import queue_mail
from portal.core.models import utcnow
from portal.employers import occupations
from portal.employers.enums import Sector
from portal.employers.models import Organisation, OrganisationSector
from portal.extensions import db
from portal.requests import services as request_services
from portal.requests.enums import FINAL_STATES, RequestKind, RequestState
from portal.requests.models import ServiceRequest, request_needs
from portal.training.enums import (
    INTEREST_STATES,
    OPEN_COHORT_STATES,
    CohortState,
    CommitmentStatus,
    Provider,
)
from portal.training.models import Cohort, CohortCommitment

C = CohortState
FIELDS = ("title", "sector", "occupation_code", "occupation_other", "provider",
          "provider_name", "weeks", "start_date", "weekly_hours", "location", "seats",
          "language_support", "description")
TEXT = {"title": 120, "occupation_other": 120, "provider_name": 160, "location": 160,
        "language_support": 200, "description": 4000}

# (from, to): the cohort's life cycle. Cancelling needs a reason the employers are told.
TRANSITIONS = {
    (C.PLANNED, C.RECRUITING), (C.PLANNED, C.CANCELLED),
    (C.RECRUITING, C.RUNNING), (C.RECRUITING, C.PLANNED), (C.RECRUITING, C.CANCELLED),
    (C.RUNNING, C.COMPLETED), (C.RUNNING, C.CANCELLED),
}


def end_date(start: date, weeks: int) -> date:
    """The last day of the last week: a 14-week course from Monday 2 March ends on
    Sunday 7 June (the calendar shows the whole span)."""
    return start + timedelta(weeks=weeks) - timedelta(days=1)


def check_version(cohort: Cohort, expected: int | None) -> None:
    if expected is not None and expected != cohort.version_id:
        raise ConflictError(_("Someone else changed this course while you had it open. "
                              "Their version is shown; make your change again."))


def _clean(values: dict) -> dict:
    out = {}
    for name in FIELDS:
        if name not in values:
            continue
        value = values[name]
        if name in TEXT:
            value = (value or "").strip()
            if len(value) > TEXT[name]:
                raise DomainError(_("Use at most %(max)d characters.", max=TEXT[name]), name)
        out[name] = value
    if out.get("occupation_code") not in (None, occupations.OTHER):
        out["occupation_other"] = ""
    return out


def _check(values: dict) -> None:
    if not values.get("title"):
        raise DomainError(_("Give the course a title."), "title")
    if values.get("sector") not in set(Sector):
        raise DomainError(_("Choose the sector."), "sector")
    code = values.get("occupation_code")
    if code != occupations.OTHER and code not in occupations.CODES:
        raise DomainError(_("Choose an occupation from the list."), "occupation_code")
    if code == occupations.OTHER and not values.get("occupation_other"):
        raise DomainError(_("Describe the occupation."), "occupation_other")
    if values.get("provider") not in set(Provider):
        raise DomainError(_("Choose who gives the course."), "provider")
    weeks, seats = values.get("weeks"), values.get("seats")
    if not isinstance(weeks, int) or not 1 <= weeks <= 104:
        raise DomainError(_("Enter a number from %(low)d to %(high)d.", low=1, high=104),
                          "weeks")
    if not isinstance(seats, int) or not 1 <= seats <= 200:
        raise DomainError(_("Enter a number from %(low)d to %(high)d.", low=1, high=200),
                          "seats")
    if not isinstance(values.get("start_date"), date):
        raise DomainError(_("Enter the start date."), "start_date")


def tailored_course_requests(org_ids=None, occupation_code: str | None = None,
                             occupation_other: str = "") -> list[ServiceRequest]:
    """Open tailored-course requests a cohort may answer; for a demand row, those whose
    hiring needs are for that occupation."""
    query = (select(ServiceRequest)
             .where(ServiceRequest.kind == RequestKind.TAILORED_COURSE,
                    ServiceRequest.state != RequestState.DRAFT,
                    ServiceRequest.state.not_in(list(FINAL_STATES)))
             .options(selectinload(ServiceRequest.needs))
             .order_by(ServiceRequest.submitted_at, ServiceRequest.id))
    if org_ids is not None:
        query = query.where(ServiceRequest.organisation_id.in_(list(org_ids)))
    if occupation_code:
        from portal.employers.models import HiringNeed

        need = HiringNeed.occupation_code == occupation_code
        if occupation_code == occupations.OTHER:
            need = need & (func.lower(HiringNeed.occupation_other)
                           == func.lower(literal(occupation_other)))
        query = query.where(ServiceRequest.id.in_(
            select(request_needs.c.request_id)
            .join(HiringNeed, HiringNeed.id == request_needs.c.need_id).where(need)))
    return list(db.session.scalars(query))


def final_analyses(limit: int = 200) -> list[NeedsAnalysis]:
    return list(db.session.scalars(
        select(NeedsAnalysis).where(NeedsAnalysis.final_number.is_not(None))
        .order_by(NeedsAnalysis.id.desc()).limit(limit)))


def _move_request_on(req: ServiceRequest, cohort: Cohort, actor: User) -> None:
    """A tailored-course request answered by a cohort is in progress: its employer hears
    so, with the course named, through the request's own life cycle."""
    reason = _("Answered by the course “%(title)s”, starting %(start)s.",
               title=cohort.title, start=cohort.start_date.isoformat())
    if req.state_enum in (RequestState.SUBMITTED, RequestState.IN_REVIEW):
        request_services.transition(req, RequestState.IN_PROGRESS, actor=actor, reason=reason)


def create_cohort(*, values: dict, actor: User, request_ids=(), analysis_ids=()) -> Cohort:
    if not actor.is_staff:
        raise DomainError(_("Only staff plan courses."))
    clean = _clean(values)
    _check(clean)
    requests = tailored_course_requests()
    by_id = {r.id: r for r in requests}
    if any(i not in by_id for i in request_ids):
        raise DomainError(_("Choose among the open requests for a tailored course."),
                          "request_ids")
    analyses = list(db.session.scalars(select(NeedsAnalysis).where(
        NeedsAnalysis.id.in_(list(analysis_ids)), NeedsAnalysis.final_number.is_not(None))))
    if len(analyses) != len(set(analysis_ids)):
        raise DomainError(_("Choose among the final needs analyses."), "analysis_ids")
    cohort = Cohort(**clean, end_date=end_date(clean["start_date"], clean["weeks"]),
                    state=C.PLANNED, state_changed_at=utcnow(), created_by_id=actor.id)
    cohort.requests = [by_id[i] for i in request_ids]
    cohort.analyses = analyses
    db.session.add(cohort)
    db.session.flush()
    # Each organisation behind a linked request or analysis is a candidate employer.
    for org_id in sorted({r.organisation_id for r in cohort.requests}
                         | {a.organisation_id for a in analyses}):
        course = next((r for r in cohort.requests if r.organisation_id == org_id), None)
        cohort.commitments.append(CohortCommitment(
            organisation_id=org_id, status=CommitmentStatus.INTERESTED,
            interviews=bool(course and course.guaranteed_interviews),
            hires=(course.hires or 0) if course else 0,
            hosts_practical=bool(course and course.hosts_practical)))
    db.session.flush()
    audit.record("cohort.created", cohort, actor=actor, changes={
        **{k: v for k, v in clean.items() if v not in ("", None)},
        "requests": [r.reference for r in cohort.requests],
        "analyses": [a.id for a in analyses]})
    for req in cohort.requests:
        _move_request_on(req, cohort, actor)
    _mail_employers(cohort, "cohort_planned")
    return cohort


def update_cohort(cohort: Cohort, *, values: dict, actor: User, expected_version: int | None
                  ) -> dict:
    check_version(cohort, expected_version)
    if cohort.state_enum not in OPEN_COHORT_STATES:
        raise DomainError(_("A course that is “%(state)s” cannot be changed.",
                            state=cohort.state_enum.label))
    clean = _clean(values)
    _check({**{k: getattr(cohort, k) for k in FIELDS}, **clean})
    start = clean.get("start_date", cohort.start_date)
    clean["end_date"] = end_date(start, clean.get("weeks", cohort.weeks))
    changes = audit.diff(cohort, clean)
    if changes:
        audit.record("cohort.updated", cohort, actor=actor, changes=changes)
        db.session.flush()
    return changes


def allowed_moves(cohort: Cohort) -> list[CohortState]:
    return [to for to in CohortState if (cohort.state_enum, to) in TRANSITIONS]


def transition(cohort: Cohort, to: CohortState, *, actor: User, reason: str = "",
               expected_version: int | None = None) -> None:
    check_version(cohort, expected_version)
    before = cohort.state_enum
    if not actor.is_staff or (before, to) not in TRANSITIONS:
        raise DomainError(_("A course that is “%(state)s” cannot be moved to “%(to)s”.",
                            state=before.label, to=to.label))
    reason = (reason or "").strip()
    if to == C.CANCELLED and not reason:
        raise DomainError(_("Give the reason for cancelling; the employers will see it."),
                          "reason")
    if len(reason) > 1000:
        raise DomainError(_("Use at most %(max)d characters.", max=1000), "reason")
    cohort.state = to
    cohort.state_changed_at = utcnow()
    if to == C.CANCELLED:
        cohort.cancel_reason = reason
    audit.record("cohort.transition", cohort, actor=actor,
                 changes={"state": (before.value, to.value),
                          **({"reason": reason} if reason else {})})
    db.session.flush()
    if to == C.CANCELLED:
        _mail_employers(cohort, "cohort_cancelled", reason=reason)


# --- commitments ------------------------------------------------------------------------------

def commitment_for(cohort: Cohort, org: Organisation) -> CohortCommitment | None:
    return next((c for c in cohort.commitments if c.organisation_id == org.id), None)


def set_commitment(cohort: Cohort, org: Organisation, *, actor: User, interviews: bool,
                   hires: int, hosts_practical: bool, note: str = "",
                   status: CommitmentStatus = CommitmentStatus.COMMITTED) -> CohortCommitment:
    """Staff record (or an employer states) what the organisation commits to."""
    if cohort.state_enum not in OPEN_COHORT_STATES:
        raise DomainError(_("The course is “%(state)s”; commitments can no longer change.",
                            state=cohort.state_enum.label))
    if not isinstance(hires, int) or not 0 <= hires <= 200:
        raise DomainError(_("Enter a number from %(low)d to %(high)d.", low=0, high=200),
                          "hires")
    note = (note or "").strip()
    if len(note) > 1000:
        raise DomainError(_("Use at most %(max)d characters.", max=1000), "note")
    commitment = commitment_for(cohort, org)
    values = {"interviews": bool(interviews), "hires": hires,
              "hosts_practical": bool(hosts_practical), "note": note, "status": status}
    if commitment is None:
        commitment = CohortCommitment(organisation_id=org.id, **values)
        cohort.commitments.append(commitment)
        db.session.flush()
        changes = {k: str(v) if not isinstance(v, bool | int) else v
                   for k, v in values.items()}
    else:
        changes = audit.diff(commitment, values)
    if changes:
        audit.record("cohort.commitment", cohort, actor=actor,
                     changes={"organisation_id": org.id, **changes})
        db.session.flush()
    return commitment


def register_interest(cohort: Cohort, org: Organisation, *, actor: User, note: str = ""
                      ) -> CohortCommitment:
    """An employer says from their dashboard that the course interests them."""
    if cohort.state_enum not in INTEREST_STATES:
        raise DomainError(_("The course no longer takes new employers."))
    existing = commitment_for(cohort, org)
    if existing is not None:
        return existing
    commitment = set_commitment(cohort, org, actor=actor, interviews=False, hires=0,
                                hosts_practical=False, note=note,
                                status=CommitmentStatus.INTERESTED)
    _mail_staff(cohort, org)
    return commitment


def remove_commitment(cohort: Cohort, org: Organisation, *, actor: User) -> None:
    commitment = commitment_for(cohort, org)
    if commitment is None:
        return
    cohort.commitments.remove(commitment)
    audit.record("cohort.commitment_removed", cohort, actor=actor,
                 changes={"organisation_id": org.id})
    db.session.flush()


# --- mail -------------------------------------------------------------------------------------

def _mail_employers(cohort: Cohort, template: str, **context) -> None:
    from portal.accounts.services import external_url
    from portal.employers.services import active_users

    for commitment in cohort.commitments:
        org = commitment.organisation
        link = external_url("training.employer_view", org_id=org.id, cohort_id=cohort.id)
        for user in active_users(org):
            queue_mail(template, user.email, user.locale, related=cohort, user=user,
                       organisation=org, cohort=cohort, link=link, **context)


def _mail_staff(cohort: Cohort, org: Organisation) -> None:
    from flask import current_app

    from portal.accounts.services import external_url

    author = db.session.get(User, cohort.created_by_id) if cohort.created_by_id else None
    if author is not None and author.active and author.is_staff:
        recipients = [(author.email, author.locale)]
    else:
        inbox = current_app.config.get("PORTAL_STAFF_INBOX")
        recipients = [(inbox, current_app.config["BABEL_DEFAULT_LOCALE"])] if inbox else []
    link = external_url("training.detail", cohort_id=cohort.id)
    for address, locale in recipients:
        queue_mail("cohort_interest_staff", address, locale, related=cohort, cohort=cohort,
                   organisation=org, link=link)


# --- lists ------------------------------------------------------------------------------------

@dataclass
class Filters:
    state: str | None = None
    sector: str | None = None
    page: int = 1

    @classmethod
    def from_args(cls, args) -> Filters:
        state, sector, page = args.get("state") or None, args.get("sector") or None, \
            args.get("page", "")
        return cls(state=state if state in set(CohortState) else None,
                   sector=sector if sector in set(Sector) else None,
                   page=max(1, int(page)) if page.isdecimal() and len(page) < 7 else 1)

    def args(self, **over) -> dict:
        out = {"state": self.state, "sector": self.sector, **over}
        return {k: v for k, v in out.items() if v}


def staff_list(filters: Filters, per_page: int):
    query = select(Cohort)
    if filters.state:
        query = query.where(Cohort.state == filters.state)
    if filters.sector:
        query = query.where(Cohort.sector == filters.sector)
    query = query.order_by(Cohort.start_date.desc(), Cohort.id.desc())
    return db.paginate(query.options(selectinload(Cohort.commitments)),
                       page=filters.page, per_page=per_page, error_out=False)


def for_organisation(org: Organisation, *, upcoming_only: bool = False
                     ) -> list[tuple[Cohort, CohortCommitment]]:
    """The courses the organisation committed to or is interested in, soonest first."""
    query = (select(Cohort, CohortCommitment)
             .join(CohortCommitment, CohortCommitment.cohort_id == Cohort.id)
             .where(CohortCommitment.organisation_id == org.id)
             .order_by(Cohort.start_date, Cohort.id))
    if upcoming_only:
        query = query.where(Cohort.state.in_([s.value for s in OPEN_COHORT_STATES]))
    rows = db.session.execute(query)
    return [tuple(r) for r in rows]


def open_for_interest(org: Organisation, limit: int = 10) -> list[Cohort]:
    """Planned courses in the organisation's sectors it has not answered yet."""
    sectors = select(OrganisationSector.sector).where(
        OrganisationSector.organisation_id == org.id)
    answered = select(CohortCommitment.cohort_id).where(
        CohortCommitment.organisation_id == org.id)
    return list(db.session.scalars(
        select(Cohort).where(Cohort.state.in_([s.value for s in INTEREST_STATES]),
                             Cohort.sector.in_(sectors), Cohort.id.not_in(answered))
        .order_by(Cohort.start_date, Cohort.id).limit(limit)))


def visible_to(cohort: Cohort, org: Organisation) -> bool:
    """An employer sees a course it is part of, or one open to its sectors."""
    if commitment_for(cohort, org) is not None:
        return True
    return cohort.state_enum in INTEREST_STATES and bool(db.session.scalar(
        select(func.count()).select_from(OrganisationSector).where(
            OrganisationSector.organisation_id == org.id,
            OrganisationSector.sector == cohort.sector)))


def get(cohort_id: int) -> Cohort | None:
    return db.session.scalar(
        select(Cohort).where(Cohort.id == cohort_id)
        .options(selectinload(Cohort.commitments), selectinload(Cohort.requests),
                 selectinload(Cohort.analyses)))


# --- calendar ---------------------------------------------------------------------------------

def ics(cohort: Cohort, *, host: str) -> bytes:
    """The course as an all-day calendar entry over its whole span (RFC 5545)."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//Arbetsgivarportalen//cohort//SV")
    cal.add("version", "2.0")
    event = Event()
    event.add("uid", f"cohort-{cohort.id}@{host}")
    event.add("dtstamp", datetime.now(tz=utcnow().tzinfo))
    event.add("summary", cohort.title)
    event.add("dtstart", cohort.start_date)
    event.add("dtend", cohort.end_date + timedelta(days=1))  # exclusive end
    if cohort.location:
        event.add("location", cohort.location)
    details = [cohort.occupation_label, cohort.provider_enum.label]
    if cohort.provider_name:
        details.append(cohort.provider_name)
    if cohort.weekly_hours:
        details.append(_("%(hours)d hours a week", hours=cohort.weekly_hours))
    event.add("description", "\n".join(str(d) for d in details))
    if cohort.state_enum == C.CANCELLED:
        event.add("status", "CANCELLED")
    cal.add_component(event)
    return cal.to_ical()


# --- history ----------------------------------------------------------------------------------

def history(cohort: Cohort) -> list:
    return audit.trail(cohort)
