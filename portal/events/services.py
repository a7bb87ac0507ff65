"""Recruitment events ("rekryteringsträff"): planned from demand or requests, answered by
the organisations taking part, held, and their results recorded.

The life cycle is the TRANSITIONS set and ``transition()``; nothing else assigns
``RecruitmentEvent.state``. Services flush, never commit. Every change is audited under
the event (object type ``recruitment_events``).

Job seekers invited (``EventInvitation``) are staff-only data: nothing here that an
employer page, file or mail uses reads them, beyond a count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.core import audit, meetings
from portal.core.dates import local_today
from portal.core.errors import ConflictError, DomainError
from portal.core.mail import queue_mail
from portal.core.models import utcnow
from portal.employers import occupations
from portal.employers.enums import Sector
from portal.employers.models import Organisation
from portal.events.enums import Attendance, EventRole, EventState, Response
from portal.events.models import EventInvitation, EventOrganisation, RecruitmentEvent
from portal.extensions import db
from portal.participants.models import Participant, ParticipantSector
from portal.requests import services as request_services
from portal.requests.enums import FINAL_STATES, RequestKind, RequestState
from portal.requests.models import ServiceRequest, request_needs

EV = EventState
FIELDS = ("title", "sector", "occupation_code", "occupation_other", "event_date",
          "start_time", "end_time", "location", "online_url", "capacity", "description")
TEXT = {"title": 120, "occupation_other": 120, "location": 160, "online_url": 300,
        "description": 4000}
CAPACITY_MAX = 500
COUNT_MAX = 500  # vacancies, interviews, offers, hires: the table's CHECK bounds

# (from, to): the event's life cycle. Held only on or after the day; cancelling needs a
# reason the organisations are told.
TRANSITIONS = {(EV.PLANNED, EV.HELD), (EV.PLANNED, EV.CANCELLED)}


def check_version(event: RecruitmentEvent, expected: int | None) -> None:
    if expected is not None and expected != event.version_id:
        raise ConflictError(_("Someone else changed this event while you had it open. "
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
        elif name == "occupation_code":
            value = value or ""
        out[name] = value
    if "occupation_code" in out and out["occupation_code"] != occupations.OTHER:
        out["occupation_other"] = ""
    return out


def _check(values: dict) -> None:
    if not values.get("title"):
        raise DomainError(_("Give the event a title."), "title")
    if values.get("sector") not in set(Sector):
        raise DomainError(_("Choose the sector."), "sector")
    code = values.get("occupation_code") or ""
    if code and code != occupations.OTHER and code not in occupations.CODES:
        raise DomainError(_("Choose an occupation from the list."), "occupation_code")
    if code == occupations.OTHER and not values.get("occupation_other"):
        raise DomainError(_("Describe the occupation."), "occupation_other")
    meetings.check_when_and_where(values, date_field="event_date",
                                  ends_message=_("The event must end after it starts."))
    capacity = values.get("capacity")
    if not isinstance(capacity, int) or not 1 <= capacity <= CAPACITY_MAX:
        raise DomainError(_("Enter a number from %(low)d to %(high)d.", low=1,
                            high=CAPACITY_MAX), "capacity")


def _open(event: RecruitmentEvent, message: str) -> None:
    if event.state_enum != EV.PLANNED:
        raise DomainError(message % {"state": event.state_enum.label})


# --- requests the event answers ---------------------------------------------------------------

def event_requests(occupation_code: str | None = None, occupation_other: str = ""
                   ) -> list[ServiceRequest]:
    """Open recruitment-event requests an event may answer; for a demand row, those whose
    hiring needs are for that occupation."""
    query = (select(ServiceRequest)
             .where(ServiceRequest.kind == RequestKind.RECRUITMENT_EVENT,
                    ServiceRequest.state != RequestState.DRAFT,
                    ServiceRequest.state.not_in(list(FINAL_STATES)))
             .options(selectinload(ServiceRequest.needs))
             .order_by(ServiceRequest.submitted_at, ServiceRequest.id))
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


def _move_request_on(req: ServiceRequest, event: RecruitmentEvent, actor: User) -> None:
    """A recruitment-event request answered by an event is in progress: its employer hears
    so, with the event named, through the request's own life cycle."""
    reason = _("Answered by the recruitment event “%(title)s” on %(date)s.",
               title=event.title, date=format_date(event.event_date))
    if req.state_enum in (RequestState.SUBMITTED, RequestState.IN_REVIEW):
        request_services.transition(req, RequestState.IN_PROGRESS, actor=actor, reason=reason)


# --- the event ----------------------------------------------------------------------------------

def create_event(*, values: dict, actor: User, request_ids=()) -> RecruitmentEvent:
    if not actor.is_staff:
        raise DomainError(_("Only staff plan recruitment events."))
    clean = _clean(values)
    _check(clean)
    by_id = {r.id: r for r in event_requests()}
    if any(i not in by_id for i in request_ids):
        raise DomainError(_("Choose among the open requests for a recruitment event."),
                          "request_ids")
    event = RecruitmentEvent(**clean, state=EV.PLANNED, state_changed_at=utcnow(),
                             created_by_id=actor.id)
    event.requests = [by_id[i] for i in dict.fromkeys(request_ids)]
    db.session.add(event)
    db.session.flush()
    # The organisation behind each linked request recruits at the event, for as many
    # people as its requests asked for.
    vacancies: dict[int, int] = {}
    for req in event.requests:
        vacancies[req.organisation_id] = vacancies.get(req.organisation_id, 0) \
            + (req.headcount or 0)
    for org_id in sorted(vacancies):
        event.organisations.append(EventOrganisation(
            organisation_id=org_id, role=EventRole.RECRUITER,
            vacancies=min(vacancies[org_id], COUNT_MAX), response=Response.INVITED))
    db.session.flush()
    audit.record("event.created", event, actor=actor, changes={
        **{k: v for k, v in clean.items() if v not in ("", None)},
        "requests": [r.reference for r in event.requests],
        "organisations": sorted(vacancies)})
    for req in event.requests:
        _move_request_on(req, event, actor)
    for participation in event.organisations:
        _mail_invitation(event, participation)
    return event


def update_event(event: RecruitmentEvent, *, values: dict, actor: User,
                 expected_version: int | None) -> dict:
    event = _lock(event.id)
    check_version(event, expected_version)
    _open(event, _("An event that is “%(state)s” cannot be changed."))
    clean = _clean(values)
    _check({**{k: getattr(event, k) for k in FIELDS}, **clean})
    already = invited_count(event)
    if clean.get("capacity", event.capacity) < already:
        raise DomainError(_("%(num)d job seekers are already invited: remove invitations "
                            "before lowering the capacity below that.", num=already),
                          "capacity")
    changes = audit.diff(event, clean)
    if changes:
        audit.record("event.updated", event, actor=actor, changes=changes)
        db.session.flush()
    return changes


def allowed_moves(event: RecruitmentEvent) -> list[EventState]:
    return [to for to in EventState if (event.state_enum, to) in TRANSITIONS]


def transition(event: RecruitmentEvent, to: EventState, *, actor: User, reason: str = "",
               expected_version: int | None = None, today: date | None = None) -> None:
    check_version(event, expected_version)
    before = event.state_enum
    if not actor.is_staff or (before, to) not in TRANSITIONS:
        raise DomainError(_("An event that is “%(state)s” cannot be moved to “%(to)s”.",
                            state=before.label, to=to.label), "to")
    if to == EV.HELD and (today or local_today()) < event.event_date:
        raise DomainError(_("The event is held on %(date)s; mark it held on that day or "
                            "later.", date=format_date(event.event_date)), "to")
    reason = (reason or "").strip()
    if to == EV.CANCELLED and not reason:
        raise DomainError(_("Give the reason for cancelling; the organisations will see "
                            "it."), "reason")
    if len(reason) > 1000:
        raise DomainError(_("Use at most %(max)d characters.", max=1000), "reason")
    event.state = to
    event.state_changed_at = utcnow()
    if to == EV.CANCELLED:
        event.cancel_reason = reason
    audit.record("event.transition", event, actor=actor,
                 changes={"state": (before.value, to.value),
                          **({"reason": reason} if reason else {})})
    db.session.flush()
    if to == EV.CANCELLED:
        for participation in event.organisations:
            if participation.response != Response.DECLINED:
                _mail_organisation(event, participation, "event_cancelled", reason=reason)


# --- organisations taking part -----------------------------------------------------------------

def participation_for(event: RecruitmentEvent, org: Organisation) -> EventOrganisation | None:
    return next((p for p in event.organisations if p.organisation_id == org.id), None)


def _count(value, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= COUNT_MAX:
        raise DomainError(_("Enter a number from %(low)d to %(high)d.", low=0,
                            high=COUNT_MAX), field)
    return value


def set_organisation(event: RecruitmentEvent, org: Organisation, *, actor: User, role: str,
                     vacancies: int) -> EventOrganisation:
    """Staff add an organisation (it is mailed the invitation) or change its part."""
    _open(event, _("The event is “%(state)s”; its organisations can no longer change."))
    if role not in set(EventRole):
        raise DomainError(_("Choose the organisation's part in the event."), "role")
    values = {"role": EventRole(role).value, "vacancies": _count(vacancies, "vacancies")}
    participation = participation_for(event, org)
    if participation is None:
        participation = EventOrganisation(organisation_id=org.id, response=Response.INVITED,
                                          **values)
        event.organisations.append(participation)
        db.session.flush()
        audit.record("event.organisation_added", event, actor=actor,
                     changes={"organisation_id": org.id, **values})
        _mail_invitation(event, participation)
        return participation
    changes = audit.diff(participation, values)
    if changes:
        audit.record("event.organisation_changed", event, actor=actor,
                     changes={"organisation_id": org.id, **changes})
        db.session.flush()
    return participation


def remove_organisation(event: RecruitmentEvent, org: Organisation, *, actor: User) -> None:
    _open(event, _("The event is “%(state)s”; its organisations can no longer change."))
    participation = participation_for(event, org)
    if participation is None:
        return
    event.organisations.remove(participation)
    audit.record("event.organisation_removed", event, actor=actor,
                 changes={"organisation_id": org.id, "role": participation.role,
                          "response": participation.response})
    db.session.flush()


def respond(event: RecruitmentEvent, org: Organisation, answer: str, *, actor: User
            ) -> EventOrganisation:
    """The organisation confirms it takes part, or says it cannot come; staff are told."""
    participation = participation_for(event, org)
    if participation is None:
        raise DomainError(_("Your organisation is not invited to this event."))
    _open(event, _("The event is “%(state)s”; it no longer takes answers."))
    if answer not in (Response.CONFIRMED, Response.DECLINED):
        raise DomainError(_("Say whether you will come."), "answer")
    if participation.response == answer:
        return participation
    before = participation.response
    participation.response = Response(answer).value
    participation.responded_at = utcnow()
    participation.responded_by_id = actor.id
    db.session.flush()
    audit.record("event.response", event, actor=actor,
                 changes={"organisation_id": org.id, "response": (before, answer)})
    _mail_staff(event, participation)
    return participation


# --- job seekers invited (staff only) ----------------------------------------------------------

def _lock(event_id: int) -> RecruitmentEvent:
    """The event, locked for this transaction (SELECT … FOR UPDATE; a no-op on SQLite,
    which has one writer at a time anyway), so two staff cannot both take the last place."""
    event = db.session.scalar(select(RecruitmentEvent).where(RecruitmentEvent.id == event_id)
                              .with_for_update().execution_options(populate_existing=True))
    if event is None:
        raise DomainError(_("The event no longer exists."))
    return event


def invited_count(event: RecruitmentEvent) -> int:
    return db.session.scalar(select(func.count()).select_from(EventInvitation).where(
        EventInvitation.event_id == event.id)) or 0


def _record(event_id: int, action: str, actor: User | None, participant_id: int,
            **changes) -> None:
    # Filed under the event, so its change log shows it; the person is named by id only.
    audit.record(action, object_type=RecruitmentEvent.__tablename__, object_id=event_id,
                 actor=actor, changes={"participant_id": participant_id, **changes})


def invite(event: RecruitmentEvent, participant: Participant, *, actor: User
           ) -> EventInvitation:
    """Invite a job seeker, if a place is free."""
    event = _lock(event.id)
    _open(event, _("The event is “%(state)s”; no one else can be invited."))
    existing = db.session.scalar(select(EventInvitation).where(
        EventInvitation.event_id == event.id,
        EventInvitation.participant_id == participant.id))
    if existing is not None:
        raise DomainError(_("%(name)s is already invited.", name=participant.full_name),
                          "case_reference")
    if invited_count(event) >= event.capacity:
        raise DomainError(_("The event is full: all %(num)d places are taken.",
                            num=event.capacity), "case_reference")
    invitation = EventInvitation(event_id=event.id, participant_id=participant.id,
                                 attendance=Attendance.INVITED)
    db.session.add(invitation)
    db.session.flush()
    _record(event.id, "invitation.added", actor, participant.id)
    return invitation


def remove_invitation(invitation: EventInvitation, *, actor: User) -> None:
    event = _lock(invitation.event_id)
    _open(event, _("The event is “%(state)s”; its invitations can no longer change."))
    _record(event.id, "invitation.removed", actor, invitation.participant_id)
    db.session.delete(invitation)
    db.session.flush()


def invitations(event: RecruitmentEvent) -> list[EventInvitation]:
    return list(db.session.scalars(
        select(EventInvitation).join(Participant,
                                     Participant.id == EventInvitation.participant_id)
        .where(EventInvitation.event_id == event.id)
        .order_by(Participant.last_name, Participant.first_name, EventInvitation.id)))


def matching(event: RecruitmentEvent, limit: int = 30) -> list[Participant]:
    """Participants whose sector profile fits the event and who are not invited yet."""
    invited = select(EventInvitation.participant_id).where(
        EventInvitation.event_id == event.id)
    return list(db.session.scalars(
        select(Participant)
        .where(Participant.id.in_(select(ParticipantSector.participant_id).where(
            ParticipantSector.sector == event.sector)),
            Participant.id.not_in(invited))
        .order_by(Participant.created_at, Participant.id).limit(limit)))


MARKS = frozenset({Attendance.INVITED, Attendance.ATTENDED, Attendance.ABSENT})


def save_attendance(event: RecruitmentEvent, marks: dict[int, str], *, actor: User) -> int:
    """Who came, once the event is held; returns how many rows changed."""
    if event.state_enum != EV.HELD:
        raise DomainError(_("Attendance is recorded once the event is held."))
    rows = {i.id: i for i in invitations(event)}
    if not set(marks) <= set(rows) or any(m not in MARKS for m in marks.values()):
        raise DomainError(_("Reload the page and try again."))
    hired = hired_by(event)
    changed = 0
    for invitation_id, mark in sorted(marks.items()):
        invitation = rows[invitation_id]
        if invitation.attendance == mark:
            continue
        if mark != Attendance.ATTENDED and invitation.participant_id in hired:
            raise DomainError(_("%(name)s is recorded as hired at the event: remove that "
                                "in the organisation's results first.",
                                name=invitation.participant.full_name),
                              f"attendance-{invitation_id}")
        _record(event.id, "invitation.attendance", actor, invitation.participant_id,
                attendance=(invitation.attendance, mark))
        invitation.attendance = mark
        changed += 1
    db.session.flush()
    return changed


# --- results (after the event) -------------------------------------------------------------------

def hired_by(event: RecruitmentEvent) -> dict[int, int | None]:
    """Participant id -> the organisation their "employed" outcome for the event names."""
    from portal.participants.enums import Checkpoint, OutcomeStatus
    from portal.participants.models import Outcome

    rows = db.session.execute(select(Outcome.participant_id, Outcome.organisation_id).where(
        Outcome.event_id == event.id, Outcome.checkpoint == Checkpoint.END,
        Outcome.status == OutcomeStatus.EMPLOYED))
    return dict(rows.all())


def attended(event: RecruitmentEvent) -> list[EventInvitation]:
    return [i for i in invitations(event) if i.attendance == Attendance.ATTENDED]


def save_results(event: RecruitmentEvent, org: Organisation, *, actor: User,
                 interviews: int, offers: int, hires: int, hired_ids=(),
                 expected_version: int | None = None) -> dict:
    """The organisation's interviews, offers and hires, and who of those who came it hired:
    each named hire is the participant's outcome for the event."""
    from portal.participants import outcomes
    from portal.participants.enums import Checkpoint, OutcomeStatus

    if event.state_enum != EV.HELD:
        raise DomainError(_("Results are recorded once the event is held."))
    participation = participation_for(event, org)
    if participation is None:
        raise DomainError(_("Choose an organisation that took part."), "organisation_id")
    if expected_version is not None and expected_version != participation.version_id:
        raise ConflictError(_("Someone else changed these results while you had the page "
                              "open. Theirs are shown; make your change again."))
    values = {"interviews": _count(interviews, "interviews"),
              "offers": _count(offers, "offers"), "hires": _count(hires, "hires")}
    invited = invitations(event)
    came = {i.participant_id: i.participant for i in invited
            if i.attendance == Attendance.ATTENDED}
    wanted = list(dict.fromkeys(hired_ids))
    if any(pid not in came for pid in wanted):
        raise DomainError(_("Choose among the job seekers who came."), "hired")
    if len(wanted) > values["hires"]:
        raise DomainError(_("More people are ticked as hired than the number of hires."),
                          "hired")
    named = hired_by(event)
    for pid in wanted:
        if named.get(pid) not in (None, org.id):
            other = db.session.get(Organisation, named[pid])
            raise DomainError(_("%(name)s is already recorded as hired by %(org)s.",
                                name=came[pid].full_name,
                                org=other.name if other else "–"), "hired")
    changes = audit.diff(participation, values)
    if changes:
        audit.record("event.results", event, actor=actor,
                     changes={"organisation_id": org.id, **changes})
    for pid in wanted:
        if named.get(pid) != org.id:
            outcomes.record(came[pid], outcomes.Values(status=OutcomeStatus.EMPLOYED.value,
                                                       organisation=org),
                            checkpoint=Checkpoint.END.value, event_id=event.id, actor=actor)
    # Un-ticked: the event's outcome goes, if it still names this organisation.
    for invitation in invited:
        pid = invitation.participant_id
        if pid in wanted:
            continue
        found = outcomes.find(invitation.participant, Checkpoint.END.value, event_id=event.id)
        if found is not None and found.organisation_id == org.id:
            outcomes.remove(found, actor=actor)
    db.session.flush()
    return changes


# --- mail -----------------------------------------------------------------------------------------

def _employer_link(event: RecruitmentEvent, org_id: int) -> str:
    from portal.accounts.services import external_url

    return external_url("events.employer_view", org_id=org_id, event_id=event.id)


def _mail_organisation(event: RecruitmentEvent, participation: EventOrganisation,
                       template: str, **context) -> None:
    from portal.employers.services import active_users

    org = participation.organisation or db.session.get(Organisation,
                                                       participation.organisation_id)
    link = _employer_link(event, org.id)
    for user in active_users(org):
        queue_mail(template, user.email, user.locale, related=event, user=user,
                   organisation=org, event=event, participation=participation, link=link,
                   **context)


def _mail_invitation(event: RecruitmentEvent, participation: EventOrganisation) -> None:
    _mail_organisation(event, participation, "event_invitation")


def _mail_staff(event: RecruitmentEvent, participation: EventOrganisation) -> None:
    from portal.accounts.services import external_url

    author = db.session.get(User, event.created_by_id) if event.created_by_id else None
    if author is not None and author.active and author.is_staff:
        recipients = [(author.email, author.locale)]
    else:
        inbox = current_app.config.get("PORTAL_STAFF_INBOX")
        recipients = [(inbox, current_app.config["BABEL_DEFAULT_LOCALE"])] if inbox else []
    link = external_url("events.detail", event_id=event.id)
    for address, locale in recipients:
        queue_mail("event_response_staff", address, locale, related=event, event=event,
                   organisation=participation.organisation, participation=participation,
                   link=link)


# --- lists ----------------------------------------------------------------------------------------

WHEN = ("upcoming", "past")


@dataclass
class Filters:
    state: str | None = None
    sector: str | None = None
    when: str | None = None
    page: int = 1

    @classmethod
    def from_args(cls, args) -> Filters:
        state, sector, when = (args.get("state") or None, args.get("sector") or None,
                               args.get("when") or None)
        page = args.get("page", "")
        return cls(state=state if state in set(EventState) else None,
                   sector=sector if sector in set(Sector) else None,
                   when=when if when in WHEN else None,
                   page=max(1, int(page)) if page.isdecimal() and len(page) < 7 else 1)

    def args(self, **over) -> dict:
        out = {"state": self.state, "sector": self.sector, "when": self.when, **over}
        return {k: v for k, v in out.items() if v}


def staff_list(filters: Filters, per_page: int, today: date | None = None):
    today = today or local_today()
    query = select(RecruitmentEvent)
    if filters.state:
        query = query.where(RecruitmentEvent.state == filters.state)
    if filters.sector:
        query = query.where(RecruitmentEvent.sector == filters.sector)
    if filters.when == "upcoming":
        query = query.where(RecruitmentEvent.event_date >= today).order_by(
            RecruitmentEvent.event_date, RecruitmentEvent.start_time, RecruitmentEvent.id)
    else:
        if filters.when == "past":
            query = query.where(RecruitmentEvent.event_date < today)
        query = query.order_by(RecruitmentEvent.event_date.desc(),
                               RecruitmentEvent.start_time.desc(), RecruitmentEvent.id.desc())
    return db.paginate(query, page=filters.page, per_page=per_page, error_out=False)


@dataclass
class Counts:
    confirmed: int = 0
    unanswered: int = 0
    declined: int = 0
    invited: int = 0


def counts(event_ids) -> dict[int, Counts]:
    """Per event: organisations confirmed, not answered and declined; job seekers invited.
    Two queries whatever the number of events."""
    ids = list(event_ids)
    found = {i: Counts() for i in ids}
    if not ids:
        return found
    rows = db.session.execute(
        select(EventOrganisation.event_id,
               func.sum(case((EventOrganisation.response == Response.CONFIRMED, 1),
                             else_=0)),
               func.sum(case((EventOrganisation.response == Response.INVITED, 1), else_=0)),
               func.sum(case((EventOrganisation.response == Response.DECLINED, 1),
                             else_=0)))
        .where(EventOrganisation.event_id.in_(ids)).group_by(EventOrganisation.event_id))
    for event_id, confirmed, unanswered, declined in rows:
        found[event_id].confirmed = int(confirmed or 0)
        found[event_id].unanswered = int(unanswered or 0)
        found[event_id].declined = int(declined or 0)
    rows = db.session.execute(
        select(EventInvitation.event_id, func.count()).where(EventInvitation.event_id.in_(ids))
        .group_by(EventInvitation.event_id))
    for event_id, invited in rows:
        found[event_id].invited = int(invited)
    return found


def is_upcoming(event: RecruitmentEvent, today: date | None = None) -> bool:
    return event.state_enum == EV.PLANNED and event.event_date >= (today or local_today())


def for_organisation(org: Organisation, *, upcoming_only: bool = False,
                     today: date | None = None
                     ) -> list[tuple[RecruitmentEvent, EventOrganisation]]:
    """The events the organisation takes (or took) part in, soonest first."""
    query = (select(RecruitmentEvent, EventOrganisation)
             .join(EventOrganisation, EventOrganisation.event_id == RecruitmentEvent.id)
             .where(EventOrganisation.organisation_id == org.id)
             .order_by(RecruitmentEvent.event_date, RecruitmentEvent.start_time,
                       RecruitmentEvent.id))
    if upcoming_only:
        query = query.where(RecruitmentEvent.state == EV.PLANNED,
                            RecruitmentEvent.event_date >= (today or local_today()))
    return [tuple(r) for r in db.session.execute(query)]


def visible_to(event: RecruitmentEvent, org: Organisation) -> bool:
    """An employer sees an event its organisation is part of, and no other."""
    return participation_for(event, org) is not None


def get(event_id: int) -> RecruitmentEvent | None:
    return db.session.scalar(
        select(RecruitmentEvent).where(RecruitmentEvent.id == event_id)
        .options(selectinload(RecruitmentEvent.organisations),
                 selectinload(RecruitmentEvent.requests)))


# --- calendar ----------------------------------------------------------------------------------

def ics(event: RecruitmentEvent, *, host: str) -> bytes:
    """The event's own facts as a calendar file: never who is invited."""
    return meetings.ics(
        product="recruitment event", uid=f"recruitment-event-{event.id}@{host}",
        title=event.title, day=event.event_date, start=event.start_time, end=event.end_time,
        location=event.location, online_url=event.online_url,
        details=[_("Recruitment event"), event.occupation_label, event.description],
        cancelled=event.state_enum == EV.CANCELLED)


# --- history -------------------------------------------------------------------------------------

def history(event: RecruitmentEvent) -> list:
    return audit.trail(event)
