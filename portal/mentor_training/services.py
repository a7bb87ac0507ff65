"""Mentor training ("mentorsutbildning"): sessions staff plan, supervisors sign up for (or
are signed up by staff or their employer's admin), and attending marks a supervisor as
trained on the session's date.

The session's life cycle is the TRANSITIONS set and ``transition()``; nothing else assigns
``MentorSession.state``. Every seat change first locks the session's row (SELECT … FOR
UPDATE on PostgreSQL), so two people taking the last place at once cannot both get it: the
second waits, counts the places again and goes on the waiting list. The unique constraint
on (session, supervisor) backs "one seat per supervisor".

Services flush, never commit. Every change is audited under the session (object type
``mentor_sessions``); a supervisor's trained date is also audited under the supervisor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import case, func, or_, select
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import User
from portal.core import audit, meetings
from portal.core.dates import local_today
from portal.core.errors import ConflictError, DomainError
from portal.core.mail import queue_mail
from portal.core.models import utcnow
from portal.employers.models import Organisation
from portal.extensions import db
from portal.mentor_training.enums import SeatStatus, SessionState
from portal.mentor_training.models import MentorSeat, MentorSession
from portal.requests import services as request_services
from portal.requests.enums import OPEN_STATES, MentorTopic, RequestKind, RequestState
from portal.requests.models import ServiceRequest
from portal.supervisors.enums import SupervisorStatus
from portal.supervisors.models import Supervisor

ST = SessionState
SEAT = SeatStatus
ACTIVE = (SeatStatus.BOOKED, SeatStatus.WAITLISTED)
FIELDS = ("title", "session_date", "start_time", "end_time", "location", "online_url",
          "capacity", "topics", "description")
TEXT = {"title": 120, "location": 160, "online_url": 300, "description": 4000}
CAPACITY_MAX = 200  # the table's CHECK bound
REASON_MAX = 1000

# (from, to): held only from the session's date on; cancelling needs a reason the
# supervisors signed up are mailed.
TRANSITIONS = {(ST.PLANNED, ST.HELD), (ST.PLANNED, ST.CANCELLED)}


def check_version(session: MentorSession, expected: int | None) -> None:
    if expected is not None and expected != session.version_id:
        raise ConflictError(_("Someone else changed this session while you had it open. "
                              "Their version is shown; make your change again."))


# --- values ----------------------------------------------------------------------------------

def _topics(value) -> list[str]:
    chosen = [str(v) for v in (value or [])]
    known = [t.value for t in MentorTopic]
    if any(v not in known for v in chosen):
        raise DomainError(_("Choose among the topics shown."), "topics")
    return [t for t in known if t in chosen]  # in the list's order, each once


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
        elif name == "topics":
            value = _topics(value)
        out[name] = value
    return out


def _check(values: dict) -> None:
    if not values.get("title"):
        raise DomainError(_("Give the session a title."), "title")
    meetings.check_when_and_where(values, date_field="session_date",
                                  ends_message=_("The session must end after it starts."))
    capacity = values.get("capacity")
    if not isinstance(capacity, int) or isinstance(capacity, bool) \
            or not 1 <= capacity <= CAPACITY_MAX:
        raise DomainError(_("Enter a number from %(low)d to %(high)d.", low=1,
                            high=CAPACITY_MAX), "capacity")
    if not values.get("topics"):
        raise DomainError(_("Choose at least one topic."), "topics")


# --- requests a session answers ------------------------------------------------------------

def mentor_request(request_id: int | None) -> ServiceRequest | None:
    """An open (submitted, not final) mentor-training request a session may answer."""
    if request_id is None:
        return None
    req = db.session.get(ServiceRequest, request_id)
    if req is None or req.kind != RequestKind.MENTOR_TRAINING \
            or req.state_enum not in OPEN_STATES:
        return None
    return req


def _move_request_on(req: ServiceRequest, session: MentorSession, actor: User) -> None:
    """A request answered by a session is in progress: its employer hears so, with the
    session named, through the request's own life cycle."""
    if req.state_enum not in (RequestState.SUBMITTED, RequestState.IN_REVIEW):
        return  # already in progress, or waiting for the employer's answer
    reason = _("Answered by the mentor training “%(title)s” on %(date)s.",
               title=session.title, date=format_date(session.session_date))
    request_services.transition(req, RequestState.IN_PROGRESS, actor=actor, reason=reason)


# --- the session ---------------------------------------------------------------------------------

def create_session(*, values: dict, actor: User, request: ServiceRequest | None = None,
                   organisation: Organisation | None = None) -> MentorSession:
    """A new planned session, open to every approved supervisor; for ``organisation``'s
    supervisors only if given. Answering ``request``, it is for that request's
    organisation, and the request moves to in progress."""
    if not actor.is_staff:
        raise DomainError(_("Only staff plan mentor training."))
    clean = _clean(values)
    _check(clean)
    if request is not None and (request.kind != RequestKind.MENTOR_TRAINING
                                or request.state_enum not in OPEN_STATES):
        raise DomainError(_("Only an open request for mentor training can be answered by "
                            "a session."))
    if request is not None and organisation is not None \
            and organisation.id != request.organisation_id:
        raise DomainError(_("The session answering a request is for that request's "
                            "organisation."))
    session = MentorSession(**clean, state=ST.PLANNED, state_changed_at=utcnow(),
                            created_by_id=actor.id)
    if request is not None:
        session.organisation_id = request.organisation_id
        session.request_id = request.id
    elif organisation is not None:
        session.organisation_id = organisation.id
    db.session.add(session)
    db.session.flush()
    audit.record("mentor_session.created", session, actor=actor, changes={
        **{k: v for k, v in clean.items() if v not in ("", None, [])},
        **({"organisation_id": session.organisation_id} if session.organisation_id else {}),
        **({"request": request.reference} if request is not None else {})})
    if request is not None:
        _move_request_on(request, session, actor)
    return session


def update_session(session: MentorSession, *, values: dict, actor: User,
                   expected_version: int | None, today: date | None = None) -> dict:
    """Change a planned session. More places go to the waiting list first; fewer places
    than are booked are refused."""
    session = _lock(session.id)
    check_version(session, expected_version)
    if session.state_enum != ST.PLANNED:
        raise DomainError(_("A session that is “%(state)s” cannot be changed.",
                            state=session.state_enum.label))
    clean = _clean(values)
    _check({**{k: getattr(session, k) for k in FIELDS}, **clean})
    booked = counts([session.id])[session.id].booked
    if clean.get("capacity", session.capacity) < booked:
        raise DomainError(_("%(num)d supervisors have a place: cancel places before "
                            "lowering the capacity below that.", num=booked), "capacity")
    changes = audit.diff(session, clean)
    if changes:
        audit.record("mentor_session.updated", session, actor=actor, changes=changes)
        db.session.flush()
        if "capacity" in changes:
            _fill(session, actor=actor, today=today)
    return changes


def allowed_moves(session: MentorSession) -> list[SessionState]:
    return [to for to in SessionState if (session.state_enum, to) in TRANSITIONS]


def can_mark_held(session: MentorSession, today: date | None = None) -> bool:
    return session.state_enum == ST.PLANNED and (today or local_today()) >= session.session_date


def transition(session: MentorSession, to: SessionState, *, actor: User, reason: str = "",
               expected_version: int | None = None, today: date | None = None) -> None:
    session = _lock(session.id)
    check_version(session, expected_version)
    before = session.state_enum
    if not actor.is_staff or (before, to) not in TRANSITIONS:
        raise DomainError(_("A session that is “%(state)s” cannot be moved to “%(to)s”.",
                            state=before.label, to=to.label), "to")
    if to == ST.HELD and (today or local_today()) < session.session_date:
        raise DomainError(_("The session is on %(date)s; mark it held on that day or "
                            "later.", date=format_date(session.session_date)), "to")
    reason = (reason or "").strip()
    if to == ST.CANCELLED:
        if not reason:
            raise DomainError(_("Give the reason for cancelling; the supervisors signed up "
                                "are told."), "reason")
        if any(seat.attended for seat in seats_of(session)):
            raise DomainError(_("Attendance is recorded for this session: undo it before "
                                "cancelling."), "reason")
    if len(reason) > REASON_MAX:
        raise DomainError(_("Use at most %(max)d characters.", max=REASON_MAX), "reason")
    session.state = to
    session.state_changed_at = utcnow()
    if to == ST.CANCELLED:
        session.cancel_reason = reason
    audit.record("mentor_session.transition", session, actor=actor,
                 changes={"state": (before.value, to.value),
                          **({"reason": reason} if reason else {})})
    db.session.flush()
    if to == ST.CANCELLED:
        for seat in seats_of(session):
            if seat.status_enum in ACTIVE:
                _mail(seat, "mentor_session_cancelled", reason=reason)


# --- seats -------------------------------------------------------------------------------------

def _lock(session_id: int) -> MentorSession:
    """The session, locked for this transaction (a no-op on SQLite, which has one writer at
    a time anyway). Only the session's own row: its organisation is joined for reading."""
    session = db.session.scalar(
        select(MentorSession).where(MentorSession.id == session_id)
        .with_for_update(of=MentorSession).execution_options(populate_existing=True))
    if session is None:
        raise DomainError(_("The session no longer exists."))
    return session


def _record(session_id: int, action: str, actor: User | None, supervisor_id: int,
            **changes) -> None:
    # Filed under the session, so its change log shows it; the person is named by id.
    audit.record(action, object_type=MentorSession.__tablename__, object_id=session_id,
                 actor=actor, changes={"supervisor_id": supervisor_id, **changes})


def booked_count(session: MentorSession) -> int:
    return db.session.scalar(select(func.count()).select_from(MentorSeat).where(
        MentorSeat.session_id == session.id, MentorSeat.status == SEAT.BOOKED)) or 0


def _next_position(session: MentorSession) -> int:
    return (db.session.scalar(select(func.max(MentorSeat.position)).where(
        MentorSeat.session_id == session.id)) or 0) + 1


def seat_for(session: MentorSession, supervisor: Supervisor) -> MentorSeat | None:
    return db.session.scalar(
        select(MentorSeat).where(MentorSeat.session_id == session.id,
                                 MentorSeat.supervisor_id == supervisor.id)
        .execution_options(populate_existing=True))


def is_upcoming(session: MentorSession, today: date | None = None) -> bool:
    return session.state_enum == ST.PLANNED \
        and session.session_date >= (today or local_today())


def visible_to(session: MentorSession, supervisor: Supervisor) -> bool:
    """An open session, or one for the supervisor's own organisation."""
    return session.organisation_id is None \
        or session.organisation_id == supervisor.organisation_id


def sign_up(session: MentorSession, supervisor: Supervisor, *, actor: User,
            today: date | None = None) -> MentorSeat:
    """A place if one is free, else the end of the waiting list. A cancelled seat is taken
    up again (at the end of the line); an active one is refused."""
    session = _lock(session.id)
    if not is_upcoming(session, today):
        raise DomainError(_("Only planned sessions that have not taken place take "
                            "sign-ups."), "supervisor_id")
    if not supervisor.is_approved:
        raise DomainError(_("Only approved supervisors can be signed up."), "supervisor_id")
    if not visible_to(session, supervisor):
        raise DomainError(_("This session is for %(org)s: only its supervisors can be "
                            "signed up.", org=session.organisation.name), "supervisor_id")
    already = _("%(name)s is already signed up for this session.", name=supervisor.full_name)
    seat = seat_for(session, supervisor)
    if seat is not None and seat.status_enum in ACTIVE:
        raise DomainError(already, "supervisor_id")
    status = SEAT.BOOKED if booked_count(session) < session.capacity else SEAT.WAITLISTED
    position = _next_position(session)
    try:
        # The unique constraint is the last word, should anything get past the lock.
        with db.session.begin_nested():
            if seat is None:
                seat = MentorSeat(session_id=session.id, supervisor_id=supervisor.id)
                db.session.add(seat)
            seat.status = status
            seat.position = position
            seat.attended = None
            seat.signed_up_by_id = actor.id
            db.session.flush()
    except IntegrityError:
        raise DomainError(already, "supervisor_id") from None
    _record(session.id, "seat.booked" if status == SEAT.BOOKED else "seat.waitlisted",
            actor, supervisor.id, position=position)
    if status == SEAT.BOOKED:
        _mail(seat, "mentor_booked")
    else:
        _mail(seat, "mentor_waitlisted", place=place_in_line(seat))
    return seat


def cancel_seat(session: MentorSession, supervisor: Supervisor, *, actor: User,
                today: date | None = None) -> MentorSeat | None:
    """Give up a place or a place in line; a freed place goes to the first waiting.
    Returns the seat moved up, if any."""
    session = _lock(session.id)
    seat = seat_for(session, supervisor)
    if seat is None or seat.status_enum not in ACTIVE:
        raise DomainError(_("%(name)s is not signed up for this session.",
                            name=supervisor.full_name))
    if session.state_enum != ST.PLANNED:
        raise DomainError(_("The session is “%(state)s”; its places can no longer change.",
                            state=session.state_enum.label))
    if seat.attended is not None:
        raise DomainError(_("Attendance is recorded for %(name)s: undo it first.",
                            name=supervisor.full_name))
    before = seat.status_enum
    seat.status = SEAT.CANCELLED
    db.session.flush()
    _record(session.id, "seat.cancelled", actor, supervisor.id,
            status=(before.value, SEAT.CANCELLED.value))
    moved = _fill(session, actor=actor, today=today) if before == SEAT.BOOKED else []
    return moved[0] if moved else None


def _fill(session: MentorSession, *, actor: User | None, today: date | None = None
          ) -> list[MentorSeat]:
    """Free places go to the waiting list in order, while the session is still ahead.
    The caller holds the session's lock."""
    if not is_upcoming(session, today):
        return []
    free = session.capacity - booked_count(session)
    if free <= 0:
        return []
    first = list(db.session.scalars(
        select(MentorSeat).where(MentorSeat.session_id == session.id,
                                 MentorSeat.status == SEAT.WAITLISTED)
        .order_by(MentorSeat.position, MentorSeat.id).limit(free)))
    for seat in first:
        seat.status = SEAT.BOOKED
        db.session.flush()
        _record(session.id, "seat.moved_up", actor, seat.supervisor_id,
                status=(SEAT.WAITLISTED.value, SEAT.BOOKED.value))
        _mail(seat, "mentor_moved_up")
    return first


def place_in_line(seat: MentorSeat) -> int | None:
    """1 for the first on the waiting list; None for a seat not waiting."""
    if seat.status_enum != SEAT.WAITLISTED:
        return None
    ahead = db.session.scalar(select(func.count()).select_from(MentorSeat).where(
        MentorSeat.session_id == seat.session_id, MentorSeat.status == SEAT.WAITLISTED,
        or_(MentorSeat.position < seat.position,
            (MentorSeat.position == seat.position) & (MentorSeat.id < seat.id)))) or 0
    return ahead + 1


_STATUS_ORDER = case((MentorSeat.status == SEAT.BOOKED, 0),
                     (MentorSeat.status == SEAT.WAITLISTED, 1), else_=2)


def seats_of(session: MentorSession) -> list[MentorSeat]:
    """Booked, then waiting, then cancelled; each in the order they signed up."""
    return list(db.session.scalars(
        select(MentorSeat).where(MentorSeat.session_id == session.id)
        .order_by(_STATUS_ORDER, MentorSeat.position, MentorSeat.id)))


def supervisors_to_sign_up(session: MentorSession, *, organisation_id: int | None = None,
                           limit: int = 500) -> list[Supervisor]:
    """Approved supervisors without an active seat on the session: for an organisation's
    session (or ``organisation_id``), that organisation's only."""
    active = select(MentorSeat.supervisor_id).where(MentorSeat.session_id == session.id,
                                                    MentorSeat.status.in_(list(ACTIVE)))
    query = select(Supervisor).where(Supervisor.status == SupervisorStatus.APPROVED,
                                     Supervisor.id.not_in(active))
    for org_id in {session.organisation_id, organisation_id} - {None}:
        query = query.where(Supervisor.organisation_id == org_id)
    return list(db.session.scalars(query.order_by(Supervisor.full_name, Supervisor.id)
                                   .limit(limit)))


# --- attendance --------------------------------------------------------------------------------

def attendance_open(session: MentorSession, today: date | None = None) -> bool:
    """Recorded once the session is held, or from its date on."""
    if session.state_enum == ST.HELD:
        return True
    return session.state_enum == ST.PLANNED \
        and (today or local_today()) >= session.session_date


def booked_seats(session: MentorSession) -> list[MentorSeat]:
    return [s for s in seats_of(session) if s.status_enum == SEAT.BOOKED]


def save_attendance(session: MentorSession, marks: dict[int, bool | None], *, actor: User,
                    today: date | None = None) -> int:
    """Who came (True), who did not (False), not recorded (None), per booked seat.
    Coming marks the supervisor trained on the session's date; returns rows changed."""
    session = _lock(session.id)
    if not attendance_open(session, today):
        raise DomainError(_("Attendance is recorded once the session is held or its day "
                            "has come."))
    rows = {s.id: s for s in booked_seats(session)}
    if not set(marks) <= set(rows) or any(m not in (True, False, None)
                                          for m in marks.values()):
        raise DomainError(_("Reload the page and try again."))
    changed = 0
    for seat_id, mark in sorted(marks.items()):
        seat = rows[seat_id]
        if seat.attended is mark:
            continue
        before = seat.attended
        seat.attended = mark
        db.session.flush()
        _record(session.id, "seat.attendance", actor, seat.supervisor_id,
                attended=(before, mark))
        if mark is True:
            _mark_trained(seat.supervisor, session, actor)
        elif before is True:
            _unmark_trained(seat.supervisor, session, actor)
        changed += 1
    return changed


def _set_trained(supervisor: Supervisor, on: date | None, session: MentorSession,
                 actor: User) -> None:
    before = supervisor.trained_on
    if before == on:
        return
    supervisor.trained_on = on
    audit.record("supervisor.trained_on", supervisor, actor=actor, changes={
        "trained_on": (before.isoformat() if before else None,
                       on.isoformat() if on else None),
        "mentor_session_id": session.id})
    db.session.flush()


def _mark_trained(supervisor: Supervisor, session: MentorSession, actor: User) -> None:
    """Trained on the session's date, unless trained earlier already (the earliest holds)."""
    if supervisor.trained_on is None or supervisor.trained_on > session.session_date:
        _set_trained(supervisor, session.session_date, session, actor)


def _unmark_trained(supervisor: Supervisor, session: MentorSession, actor: User) -> None:
    """Undone only if the date came from this session: then the earliest other session
    attended gives it, or none does."""
    if supervisor.trained_on != session.session_date:
        return
    other = db.session.scalar(
        select(func.min(MentorSession.session_date))
        .join(MentorSeat, MentorSeat.session_id == MentorSession.id)
        .where(MentorSeat.supervisor_id == supervisor.id, MentorSeat.attended.is_(True),
               MentorSeat.session_id != session.id))
    _set_trained(supervisor, other, session, actor)


# --- mail --------------------------------------------------------------------------------------

def supervisor_page_link() -> str:
    """The supervisor's own page, where their sessions are."""
    from portal.accounts.services import external_url

    return external_url("supervisors.home")


def _mail(seat: MentorSeat, template: str, **context) -> None:
    supervisor = seat.supervisor or db.session.get(Supervisor, seat.supervisor_id)
    session = seat.session or db.session.get(MentorSession, seat.session_id)
    user = supervisor.user
    locale = user.locale if user is not None and user.locale else "sv"
    queue_mail(template, supervisor.email, locale, related=session, supervisor=supervisor,
               session=session, seat=seat, link=supervisor_page_link(), **context)


# --- lists ---------------------------------------------------------------------------------------

WHEN = ("upcoming", "past", "all")


@dataclass
class Filters:
    when: str = "upcoming"
    state: str | None = None
    page: int = 1

    @classmethod
    def from_args(cls, args) -> Filters:
        when, state = args.get("when") or "upcoming", args.get("state") or None
        page = args.get("page", "")
        return cls(when=when if when in WHEN else "upcoming",
                   state=state if state in set(SessionState) else None,
                   page=max(1, int(page)) if page.isdecimal() and len(page) < 7 else 1)

    def args(self, **over) -> dict:
        out = {"when": self.when, "state": self.state, **over}
        return {k: v for k, v in out.items() if v}


def staff_list(filters: Filters, per_page: int, today: date | None = None):
    today = today or local_today()
    query = select(MentorSession)
    if filters.state:
        query = query.where(MentorSession.state == filters.state)
    if filters.when == "upcoming":
        # A planned session whose day has passed stays here until staff mark it held
        # or cancel it: that is when they need to find it.
        query = query.where(or_(MentorSession.session_date >= today,
                                MentorSession.state == SessionState.PLANNED)).order_by(
            MentorSession.session_date, MentorSession.start_time, MentorSession.id)
    else:
        if filters.when == "past":
            query = query.where(MentorSession.session_date < today)
        query = query.order_by(MentorSession.session_date.desc(),
                               MentorSession.start_time.desc(), MentorSession.id.desc())
    return db.paginate(query, page=filters.page, per_page=per_page, error_out=False)


@dataclass
class Counts:
    booked: int = 0
    waiting: int = 0


def counts(session_ids) -> dict[int, Counts]:
    """Per session: places booked and people waiting. One query, however many sessions."""
    ids = list(session_ids)
    found = {i: Counts() for i in ids}
    if not ids:
        return found
    rows = db.session.execute(
        select(MentorSeat.session_id,
               func.sum(case((MentorSeat.status == SEAT.BOOKED, 1), else_=0)),
               func.sum(case((MentorSeat.status == SEAT.WAITLISTED, 1), else_=0)))
        .where(MentorSeat.session_id.in_(ids)).group_by(MentorSeat.session_id))
    for session_id, booked, waiting in rows:
        found[session_id].booked = int(booked or 0)
        found[session_id].waiting = int(waiting or 0)
    return found


def upcoming_for(organisation_id: int | None, today: date | None = None
                 ) -> list[MentorSession]:
    """Planned sessions still ahead that are open, or for the organisation."""
    scope = MentorSession.organisation_id.is_(None)
    if organisation_id is not None:
        scope = scope | (MentorSession.organisation_id == organisation_id)
    return list(db.session.scalars(
        select(MentorSession).where(MentorSession.state == ST.PLANNED,
                                    MentorSession.session_date >= (today or local_today()),
                                    scope)
        .order_by(MentorSession.session_date, MentorSession.start_time, MentorSession.id)))


@dataclass
class SeatView:
    """A supervisor's seat with its session and, when waiting, the place in line."""

    session: MentorSession
    seat: MentorSeat
    place: int | None = None


def _places(seats: list[MentorSeat]) -> dict[int, int]:
    """Seat id -> place in line, for the waiting seats given; one query."""
    waiting = [s for s in seats if s.status_enum == SEAT.WAITLISTED]
    if not waiting:
        return {}
    line: dict[int, list[int]] = {}
    for session_id, seat_id in db.session.execute(
            select(MentorSeat.session_id, MentorSeat.id)
            .where(MentorSeat.session_id.in_({s.session_id for s in waiting}),
                   MentorSeat.status == SEAT.WAITLISTED)
            .order_by(MentorSeat.session_id, MentorSeat.position, MentorSeat.id)):
        line.setdefault(session_id, []).append(seat_id)
    return {s.id: line[s.session_id].index(s.id) + 1 for s in waiting}


def employer_overview(org: Organisation, today: date | None = None):
    """Upcoming open sessions and the organisation's own, with its supervisors' seats."""
    sessions = upcoming_for(org.id, today)
    ids = [s.id for s in sessions]
    seats: dict[int, list[SeatView]] = {i: [] for i in ids}
    if ids:
        rows = list(db.session.scalars(
            select(MentorSeat).join(Supervisor, Supervisor.id == MentorSeat.supervisor_id)
            .where(MentorSeat.session_id.in_(ids), Supervisor.organisation_id == org.id,
                   MentorSeat.status.in_(list(ACTIVE)))
            .order_by(_STATUS_ORDER, MentorSeat.position, MentorSeat.id)))
        places = _places(rows)
        by_id = {s.id: s for s in sessions}
        for seat in rows:
            seats[seat.session_id].append(SeatView(by_id[seat.session_id], seat,
                                                   places.get(seat.id)))
    return sessions, seats, counts(ids)


def organisation_supervisors(org: Organisation) -> list[Supervisor]:
    return list(db.session.scalars(
        select(Supervisor).where(Supervisor.organisation_id == org.id,
                                 Supervisor.status == SupervisorStatus.APPROVED)
        .order_by(Supervisor.full_name, Supervisor.id)))


def page_context(supervisor: Supervisor, today: date | None = None) -> dict:
    """What templates/mentor_training/_for_supervisor.html needs, for the supervisor's own
    page: their upcoming places and places in line, the sessions they can still join, and
    the date they were trained. Keys start with ``mentor_``, to merge into any context."""
    today = today or local_today()
    sessions = upcoming_for(supervisor.organisation_id, today)
    by_id = {s.id: s for s in sessions}
    mine = list(db.session.scalars(
        select(MentorSeat).where(MentorSeat.supervisor_id == supervisor.id,
                                 MentorSeat.session_id.in_(list(by_id)),
                                 MentorSeat.status.in_(list(ACTIVE)))
        .order_by(MentorSeat.id))) if by_id else []
    places = _places(mine)
    taken = {seat.session_id for seat in mine}
    return {
        "mentor_supervisor": supervisor,
        "mentor_trained_on": supervisor.trained_on,
        "mentor_seats": [SeatView(by_id[seat.session_id], seat, places.get(seat.id))
                         for seat in sorted(mine, key=lambda s: (
                             by_id[s.session_id].session_date,
                             by_id[s.session_id].start_time, s.id))],
        "mentor_sessions": [s for s in sessions if s.id not in taken],
        "mentor_counts": counts(by_id),
    }


def get(session_id: int) -> MentorSession | None:
    return db.session.get(MentorSession, session_id)


# --- calendar ----------------------------------------------------------------------------------

def topic_labels(session: MentorSession) -> list[str]:
    known = {t.value: t for t in MentorTopic}
    return [str(known[t].label) for t in session.topics or [] if t in known]


def ics(session: MentorSession, *, host: str) -> bytes:
    """The session's own facts as a calendar file: never who is signed up."""
    return meetings.ics(
        product="mentor training", uid=f"mentor-session-{session.id}@{host}",
        title=session.title, day=session.session_date, start=session.start_time,
        end=session.end_time, location=session.location, online_url=session.online_url,
        details=[_("Mentor training"), *topic_labels(session), session.description],
        cancelled=session.state_enum == ST.CANCELLED)


# --- history -------------------------------------------------------------------------------------

def history(session: MentorSession) -> list:
    return audit.trail(session)
