"""Service requests: creating, editing, the life cycle, messages and notes.

The life cycle is the TRANSITIONS table and ``transition()``; nothing else
assigns ``ServiceRequest.state``. Services flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal.accounts.enums import STAFF_ROLES
from portal.accounts.models import User
from portal.accounts.services import external_url
from portal.core import audit
from portal.core.dates import local_today
from portal.core.errors import ConflictError, DomainError
from portal.core.mail import queue_mail
from portal.core.models import OutboxMessage, utcnow
from portal.employers import services as employer_services
from portal.employers.enums import NeedStatus
from portal.employers.models import HiringNeed, Membership, Organisation
from portal.extensions import db
from portal.notifications import services as notifications
from portal.notifications.enums import NotificationKind
from portal.requests import fields, sla
from portal.requests.enums import (
    EDITABLE_STATES,
    OPEN_STATES,
    MentorTopic,
    RequestKind,
    RequestState,
    SupervisorStatus,
)
from portal.requests.models import (
    InternalNote,
    MessageRead,
    ReferenceCounter,
    RequestMessage,
    RequestStatusChange,
    RequestSubmission,
    ServiceRequest,
)

S = RequestState
EMPLOYER, STAFF = "employer", "staff"

# (from, to) -> who may make the move. Staff-only moves are the triage side.
TRANSITIONS: dict[tuple[RequestState, RequestState], frozenset[str]] = {
    (S.DRAFT, S.SUBMITTED): frozenset({EMPLOYER, STAFF}),  # staff: intake by phone
    (S.DRAFT, S.WITHDRAWN): frozenset({EMPLOYER}),
    (S.SUBMITTED, S.IN_REVIEW): frozenset({STAFF}),
    (S.SUBMITTED, S.NEEDS_INFO): frozenset({STAFF}),
    (S.SUBMITTED, S.IN_PROGRESS): frozenset({STAFF}),
    (S.SUBMITTED, S.DECLINED): frozenset({STAFF}),
    (S.SUBMITTED, S.WITHDRAWN): frozenset({EMPLOYER}),
    (S.IN_REVIEW, S.NEEDS_INFO): frozenset({STAFF}),
    (S.IN_REVIEW, S.IN_PROGRESS): frozenset({STAFF}),
    (S.IN_REVIEW, S.DECLINED): frozenset({STAFF}),
    (S.IN_REVIEW, S.WITHDRAWN): frozenset({EMPLOYER}),
    (S.NEEDS_INFO, S.SUBMITTED): frozenset({EMPLOYER}),
    (S.NEEDS_INFO, S.DECLINED): frozenset({STAFF}),
    (S.NEEDS_INFO, S.WITHDRAWN): frozenset({EMPLOYER}),
    (S.IN_PROGRESS, S.COMPLETED): frozenset({STAFF}),
    (S.IN_PROGRESS, S.WITHDRAWN): frozenset({EMPLOYER}),
}

# Moves that need a text from the actor.
REASON_REQUIRED = {S.DECLINED: _l("Give the reason for declining; the employer will see it."),
                   S.NEEDS_INFO: _l("Comment on at least one field, or write what is "
                                    "missing.")}

HEADCOUNT_MAX = 500
MAX_WEEKS = 52
HOURS_MAX = 40


def _side(user: User) -> str:
    return STAFF if user.is_staff else EMPLOYER


def allowed_moves(req: ServiceRequest, user: User) -> list[RequestState]:
    """The states this user may move the request to now, in life-cycle order."""
    side = _side(user)
    here = req.state_enum
    return [to for (frm, to), sides in TRANSITIONS.items() if frm == here and side in sides]


# --- references -----------------------------------------------------------------------

def next_reference(prefix: str = "REQ", year: int | None = None) -> str:
    """REQ-2026-00042: per-year numbers without gaps from concurrent submits.

    The counter row is updated in the caller's transaction, so a concurrent
    submit waits on the row lock (PostgreSQL) or the write lock (SQLite).
    """
    year = year or local_today().year
    bump = (update(ReferenceCounter)
            .where(ReferenceCounter.prefix == prefix, ReferenceCounter.year == year)
            .values(value=ReferenceCounter.value + 1)
            .returning(ReferenceCounter.value))
    value = db.session.execute(bump).scalar()
    if value is None:
        try:
            with db.session.begin_nested():
                db.session.execute(insert(ReferenceCounter).values(prefix=prefix, year=year,
                                                                   value=1))
            value = 1
        except IntegrityError:  # someone else made the row just now
            value = db.session.execute(bump).scalar()
    return f"{prefix}-{year}-{value:05d}"


# --- who hears about it ------------------------------------------------------------------

def contacts(org: Organisation) -> list[User]:
    """The organisation's active users: they get its requests' mail."""
    return employer_services.active_users(org)


def _mail_contacts(req: ServiceRequest, template: str, *, skip: User | None = None,
                   **context) -> None:
    link = external_url("requests.view", org_id=req.organisation_id, request_id=req.id)
    for user in contacts(req.organisation):
        if skip is not None and user.id == skip.id:
            continue
        queue_mail(template, user.email, user.locale, related=req, user=user, req=req,
                   organisation=req.organisation, link=link, **context)


def _staff_recipient(req: ServiceRequest) -> User | None:
    """The staff member to hear that the employer wrote or resubmitted.

    The assignee if there is one; else the staff member who last moved the
    request; None if neither (or they are no longer active).
    """
    user = req.assigned_to
    if user is None:
        user = db.session.scalar(
            select(User).join(RequestStatusChange, RequestStatusChange.actor_id == User.id)
            .where(RequestStatusChange.request_id == req.id, User.role.in_(STAFF_ROLES),
                   User.active.is_(True))
            .order_by(RequestStatusChange.id.desc()).limit(1))
    return user if user is not None and user.active else None


def _mail_staff(req: ServiceRequest, template: str, kind: NotificationKind, *,
                actor: User) -> None:
    """Tell the staff recipient (in the portal; by mail as they choose), or else
    mail the unit's shared inbox (PORTAL_STAFF_INBOX) if configured."""
    context = {"req": req, "organisation": req.organisation,
               "link": external_url("staff_requests.detail", request_id=req.id)}
    user = _staff_recipient(req)
    if user is not None:
        notifications.notify(user, kind, about=req, actor=actor, mail=template, **context)
    elif inbox := current_app.config.get("PORTAL_STAFF_INBOX"):
        queue_mail(template, inbox, current_app.config["BABEL_DEFAULT_LOCALE"], related=req,
                   **context)


# --- the life cycle --------------------------------------------------------------------------

def check_version(req: ServiceRequest, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != req.version_id:
        raise ConflictError(_("Someone else changed this request while you had it open. "
                              "Look at it again, then make your change."))


def transition(req: ServiceRequest, to: RequestState, *, actor: User, reason: str = "",
               field_comments: dict[str, str] | None = None,
               expected_version: int | None = None) -> RequestStatusChange:
    """Move the request to ``to``: check, stamp, audit, notify."""
    check_version(req, expected_version)
    before = req.state_enum
    sides = TRANSITIONS.get((before, to))
    if sides is None or _side(actor) not in sides:
        raise DomainError(_("A request that is “%(state)s” cannot be moved to “%(to)s”.",
                            state=before.label, to=to.label))
    reason = (reason or "").strip()
    comments = {k: v.strip() for k, v in (field_comments or {}).items()
                if k in fields.names(req.kind_enum) and v and v.strip()}
    if to == S.DECLINED and not reason:
        raise DomainError(str(REASON_REQUIRED[S.DECLINED]), "reason")
    if to == S.NEEDS_INFO and not (reason or comments):
        raise DomainError(str(REASON_REQUIRED[S.NEEDS_INFO]), "reason")
    now = utcnow()
    req.state = to
    req.state_changed_at = now
    if to == S.DECLINED:
        req.decline_reason = reason
    if to == S.WITHDRAWN:
        req.withdraw_reason = reason or None
    sla.on_transition(req, before, to, by_staff=actor.is_staff)
    change = RequestStatusChange(request_id=req.id, actor_id=actor.id, from_state=before,
                                 to_state=to, reason=reason, field_comments=comments or None,
                                 created_at=now)
    db.session.add(change)
    audit.record("request.transition", req, actor=actor,
                 changes={"state": (before.value, to.value),
                          **({"reason": reason} if reason else {}),
                          **({"field_comments": sorted(comments)} if comments else {})})
    db.session.flush()
    if to == S.SUBMITTED:
        _record_submission(req)
        if before == S.DRAFT:
            _mail_contacts(req, "request_receipt")
        else:
            _mail_contacts(req, "request_status", change=change)
            _mail_staff(req, "request_resubmitted_staff", NotificationKind.REQUEST_RESUBMITTED,
                        actor=actor)
    else:
        _mail_contacts(req, "request_status", change=change)
    return change


def _record_submission(req: ServiceRequest) -> None:
    count = db.session.scalar(select(func.count()).select_from(RequestSubmission)
                              .where(RequestSubmission.request_id == req.id)) or 0
    db.session.add(RequestSubmission(request_id=req.id, number=count + 1,
                                     snapshot=snapshot(req)))


def snapshot(req: ServiceRequest) -> dict:
    data = {name: fields.plain(getattr(req, name)) for name in fields.names(req.kind_enum)}
    data["needs"] = [n.id for n in req.needs]
    return data


# --- completeness -----------------------------------------------------------------------------

class Incomplete(DomainError):
    """Several fields need work before the request can be submitted."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__(_("The request is not complete yet."))
        self.problems = problems


def problems(req: ServiceRequest, today: date | None = None) -> list[tuple[str, str]]:
    """(field, message) for everything that stops the request being submitted."""
    today = today or local_today()
    kind = req.kind_enum
    found: list[tuple[str, str]] = []
    for name in fields.required(kind):
        value = getattr(req, name)
        if value is None or value == "" or value == []:
            found.append((name, _("Fill in “%(field)s”.", field=fields.label(kind, name))))
    names = fields.names(kind)
    for name in ("period_start", "preferred_start"):
        value = getattr(req, name)
        if name in names and value is not None and value < today:
            found.append((name, _("Choose a date from today onwards.")))
    if ("period_end" in names and req.period_start and req.period_end
            and req.period_end < req.period_start):
        found.append(("period_end", _("The end date must be on or after the start date.")))
    if kind == RequestKind.TAILORED_COURSE:
        if not (req.guaranteed_interviews or req.hires or req.hosts_practical):
            found.append(("guaranteed_interviews",
                          _("Choose at least one commitment: courses are started for "
                            "employers who commit to interviews, hires or the practical "
                            "part.")))
        if req.hires and req.headcount and req.hires > req.headcount:
            found.append(("hires", _("You cannot hire more people than you want trained.")))
    if (kind == RequestKind.PLACEMENT and req.supervisor_status == SupervisorStatus.TRAINED
            and not req.supervisor_name):
        found.append(("supervisor_name", _("Tell us who the trained supervisor is.")))
    order = {n: i for i, n in enumerate(names)}
    found.sort(key=lambda p: order.get(p[0], 99))
    return found


def problems_for(kind: RequestKind, values: dict,
                 need_ids=()) -> list[tuple[str, str]]:
    """The same check on answers not yet saved (a form being submitted)."""
    draft = ServiceRequest(kind=kind, state=S.DRAFT)
    for name, value in _clean(kind, values).items():
        setattr(draft, name, value)
    return problems(draft)


# --- creating and editing ------------------------------------------------------------------

def _clean(kind: RequestKind, values: dict) -> dict:
    out = {}
    for name in fields.names(kind):
        if name not in values:
            continue
        value = values[name]
        if name in fields.TEXT_FIELDS:
            value = (value or "").strip()
        elif name in fields.BOOLEAN_FIELDS:
            value = bool(value)
        elif name == "topics":
            value = sorted({v for v in (value or []) if v in set(MentorTopic)},
                           key=list(MentorTopic).index)
        elif name in fields.ENUMS:
            value = value or None
        out[name] = value
    return out


def _own_needs(org: Organisation, need_ids) -> list[HiringNeed]:
    ids = {int(i) for i in need_ids or [] if str(i).isdecimal() and len(str(i)) < 10}
    if not ids:
        return []
    found = list(db.session.scalars(select(HiringNeed).where(
        HiringNeed.id.in_(ids), HiringNeed.organisation_id == org.id)
        .order_by(HiringNeed.id)))
    if len(found) != len(ids):
        raise DomainError(_("Choose among your organisation's hiring needs."), "needs")
    return found


def create_request(org: Organisation, kind: RequestKind, *, values: dict, need_ids=(),
                   actor: User, submit: bool = False) -> ServiceRequest:
    req = ServiceRequest(organisation_id=org.id, kind=kind, state=S.DRAFT,
                         created_by_id=actor.id, registered_by_staff=actor.is_staff)
    req.organisation = org
    for name, value in _clean(kind, values).items():
        setattr(req, name, value)
    req.needs = _own_needs(org, need_ids)
    db.session.add(req)
    db.session.flush()
    audit.record("request.created", req, actor=actor,
                 changes={"kind": kind.value, **{k: fields.plain(v) for k, v in
                                                 _clean(kind, values).items()}})
    if submit:
        submit_request(req, actor=actor)
    return req


def update_request(req: ServiceRequest, *, values: dict, need_ids=None, actor: User,
                   expected_version: int | None = None) -> dict:
    """Apply the employer's edits; ``need_ids=None`` leaves the linked needs as they are."""
    if req.state_enum not in EDITABLE_STATES:
        raise DomainError(_("This request can no longer be changed. Write a message "
                            "instead."))
    check_version(req, expected_version)
    changes = audit.diff(req, _clean(req.kind_enum, values))
    needs = req.needs if need_ids is None else _own_needs(req.organisation, need_ids)
    before = [n.id for n in req.needs]
    if before != [n.id for n in needs]:
        req.needs = needs
        changes["needs"] = (before, [n.id for n in needs])
        req.updated_at = utcnow()  # a change only in the links still bumps the version
    if changes:
        audit.record("request.updated", req, actor=actor,
                     changes={k: (fields.plain(a), fields.plain(b))
                              for k, (a, b) in changes.items()})
        db.session.flush()
    return changes


def submit_request(req: ServiceRequest, *, actor: User) -> RequestStatusChange:
    found = problems(req)
    if found:
        raise Incomplete(found)
    if req.reference is None:
        req.reference = next_reference()
        req.submitted_at = utcnow()
        sla.on_first_submission(req)
    return transition(req, S.SUBMITTED, actor=actor)


def withdraw(req: ServiceRequest, *, actor: User, reason: str = "",
             expected_version: int | None = None) -> RequestStatusChange:
    return transition(req, S.WITHDRAWN, actor=actor, reason=reason,
                      expected_version=expected_version)


# --- reading ---------------------------------------------------------------------------------

def open_comments(req: ServiceRequest) -> tuple[dict[str, str], str]:
    """Staff's comments per field and overall text, while the request needs information."""
    if req.state_enum != S.NEEDS_INFO:
        return {}, ""
    change = db.session.scalar(
        select(RequestStatusChange).where(RequestStatusChange.request_id == req.id,
                                          RequestStatusChange.to_state == S.NEEDS_INFO)
        .order_by(RequestStatusChange.id.desc()).limit(1))
    if change is None:
        return {}, ""
    return dict(change.field_comments or {}), change.reason


def timeline(req: ServiceRequest) -> list[RequestStatusChange]:
    return list(db.session.scalars(
        select(RequestStatusChange).where(RequestStatusChange.request_id == req.id)
        .order_by(RequestStatusChange.created_at, RequestStatusChange.id)))


@dataclass
class Change:
    name: str
    label: str
    before: str
    after: str


def changes_since_last_submission(req: ServiceRequest) -> list[Change] | None:
    """What the latest submission changed against the one before; None if first."""
    last_two = list(db.session.scalars(
        select(RequestSubmission).where(RequestSubmission.request_id == req.id)
        .order_by(RequestSubmission.number.desc()).limit(2)))
    if len(last_two) < 2:
        return None
    after, before = last_two[0].snapshot, last_two[1].snapshot
    kind = req.kind_enum
    found = []
    for name in (*fields.names(kind), "needs"):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if name == "needs":
            found.append(Change(name, str(fields.LABELS["needs"]), _need_labels(old),
                                _need_labels(new)))
        else:
            found.append(Change(name, fields.label(kind, name), fields.display(name, old),
                                fields.display(name, new)))
    return found


def _need_labels(ids) -> str:
    if not ids:
        return "–"
    found = {n.id: n.occupation_label for n in db.session.scalars(
        select(HiringNeed).where(HiringNeed.id.in_(ids)))}
    return ", ".join(found.get(i, f"#{i}") for i in ids)


def for_organisation(org: Organisation, *, group: str = "open",
                     kind: str | None = None) -> list[ServiceRequest]:
    """The organisation's requests for its dashboard and list (drafts included)."""
    query = select(ServiceRequest).where(ServiceRequest.organisation_id == org.id)
    if group == "open":
        query = query.where(ServiceRequest.state.in_([S.DRAFT, *OPEN_STATES]))
    elif group == "closed":
        query = query.where(ServiceRequest.state.not_in([S.DRAFT, *OPEN_STATES]))
    if kind in set(RequestKind):
        query = query.where(ServiceRequest.kind == kind)
    query = query.options(selectinload(ServiceRequest.needs))
    return list(db.session.scalars(
        query.order_by(ServiceRequest.state_changed_at.desc(), ServiceRequest.id.desc())))


def staff_list(*, state: str | None = None, page: int = 1, per_page: int = 25):
    query = select(ServiceRequest).where(ServiceRequest.state != S.DRAFT)
    if state in set(RequestState) and state != S.DRAFT:
        query = query.where(ServiceRequest.state == state)
    query = query.order_by(ServiceRequest.submitted_at.desc().nulls_last(),
                           ServiceRequest.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def mails_about(req: ServiceRequest, *, employer_view: bool) -> list[OutboxMessage]:
    """Mail the portal sent (or is sending) about the request.

    The employer sees the mail to the organisation's own users; staff see all.
    """
    query = select(OutboxMessage).where(OutboxMessage.related_type == ServiceRequest.__tablename__,
                                        OutboxMessage.related_id == req.id)
    if employer_view:
        members = select(User.email).join(Membership, Membership.user_id == User.id).where(
            Membership.organisation_id == req.organisation_id)
        query = query.where(OutboxMessage.recipient.in_(members))
    return list(db.session.scalars(query.order_by(OutboxMessage.created_at,
                                                  OutboxMessage.id)))


# --- the conversation -------------------------------------------------------------------------

MESSAGE_MAX = 5000


def post_message(req: ServiceRequest, *, author: User, body: str) -> RequestMessage:
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Write a message."), "body")
    if len(body) > MESSAGE_MAX:
        raise DomainError(_("Use at most %(max)d characters.", max=MESSAGE_MAX), "body")
    if not author.is_staff and req.state_enum == S.DRAFT:
        raise DomainError(_("Submit the request first; then you can write to us about it."),
                          "body")
    message = RequestMessage(request_id=req.id, author_id=author.id,
                             from_staff=author.is_staff, body=body)
    db.session.add(message)
    db.session.flush()
    db.session.add(MessageRead(message_id=message.id, user_id=author.id))
    if author.is_staff:
        sla.on_staff_response(req)
    audit.record("request.message", req, actor=author, changes={"message_id": message.id})
    # The mail carries a link, never the text: messages may hold personal data.
    if author.is_staff:
        _mail_contacts(req, "request_message", from_staff=True)
    else:
        _mail_staff(req, "request_message_staff", NotificationKind.REQUEST_MESSAGE,
                    actor=author)
    db.session.flush()
    return message


def messages(req: ServiceRequest) -> list[RequestMessage]:
    return list(db.session.scalars(
        select(RequestMessage).where(RequestMessage.request_id == req.id)
        .order_by(RequestMessage.created_at, RequestMessage.id)))


def unread_ids(user: User, message_ids: list[int]) -> set[int]:
    if not message_ids:
        return set()
    read = set(db.session.scalars(select(MessageRead.message_id).where(
        MessageRead.user_id == user.id, MessageRead.message_id.in_(message_ids))))
    return set(message_ids) - read


def _unread_for_org_query(user: User, org: Organisation):
    return (select(RequestMessage)
            .join(ServiceRequest, ServiceRequest.id == RequestMessage.request_id)
            .where(ServiceRequest.organisation_id == org.id,
                   RequestMessage.from_staff.is_(True),
                   ~exists().where(and_(MessageRead.message_id == RequestMessage.id,
                                        MessageRead.user_id == user.id))))


def unread_for_organisation(user: User, org: Organisation, limit: int = 20):
    return list(db.session.scalars(
        _unread_for_org_query(user, org)
        .options(selectinload(RequestMessage.request))
        .order_by(RequestMessage.created_at.desc()).limit(limit)))


def mark_read(user: User, messages_: list[RequestMessage]) -> int:
    ids = unread_ids(user, [m.id for m in messages_])
    for message_id in sorted(ids):
        db.session.add(MessageRead(message_id=message_id, user_id=user.id))
    if ids:
        db.session.flush()
    return len(ids)


def mark_all_read(user: User, org: Organisation) -> int:
    return mark_read(user, list(db.session.scalars(_unread_for_org_query(user, org))))


# The move "forward" offered inline in the staff list.
NEXT_STEP = {S.SUBMITTED.value: S.IN_REVIEW, S.IN_REVIEW.value: S.IN_PROGRESS,
             S.IN_PROGRESS.value: S.COMPLETED}
BULK_STATES = (S.IN_REVIEW, S.IN_PROGRESS, S.COMPLETED)  # moves that need no text


@dataclass
class BulkAction:
    kind: str  # "assign" or "state"
    assignee: User | None = None
    state: RequestState | None = None

    @property
    def label(self) -> str:
        if self.kind == "state":
            return _("Move them to “%(state)s”", state=self.state.label)
        if self.assignee is None:
            return _("Give them to no one")
        return _("Give them to %(name)s", name=self.assignee.full_name)


def parse_bulk_action(value: str, actor: User | None = None) -> BulkAction:
    from flask_login import current_user

    kind, _sep, arg = (value or "").partition(":")
    if kind == "state" and arg in {s.value for s in BULK_STATES}:
        return BulkAction("state", state=RequestState(arg))
    if kind == "assign":
        if arg == "none":
            return BulkAction("assign")
        if arg == "me":
            return BulkAction("assign", assignee=actor or current_user._get_current_object())
        if arg.isdecimal() and len(arg) < 10:
            user = db.session.get(User, int(arg))
            if user is not None and user.is_staff and user.active:
                return BulkAction("assign", assignee=user)
    raise DomainError(_("Choose what to do with the selected requests."), "bulk_action")


def requests_by_ids(ids: list[int]) -> list[ServiceRequest]:
    return list(db.session.scalars(select(ServiceRequest).where(
        ServiceRequest.id.in_(ids), ServiceRequest.state != S.DRAFT)
        .options(selectinload(ServiceRequest.assigned_to)).order_by(ServiceRequest.id)))


def bulk_plan(reqs: list[ServiceRequest], action: BulkAction, actor: User) -> dict[int, bool]:
    """Which of the requests the action can change (shown before it is confirmed)."""
    if action.kind == "assign":
        after = action.assignee.id if action.assignee else None
        return {r.id: r.assigned_to_id != after for r in reqs}
    return {r.id: action.state in allowed_moves(r, actor) for r in reqs}


def bulk_apply(reqs: list[ServiceRequest], action: BulkAction, *,
               actor: User) -> tuple[int, int]:
    """Apply to each request that allows it; returns (changed, left as they were)."""
    done = skipped = 0
    for req in reqs:
        try:
            with db.session.begin_nested():
                if action.kind == "assign":
                    changed = assign(req, action.assignee, actor=actor)
                else:
                    transition(req, action.state, actor=actor)
                    changed = True
        except DomainError:
            changed = False
        done += changed
        skipped += not changed
    return done, skipped


# --- the audit trail, for staff -------------------------------------------------------------

AUDIT_ACTIONS = {
    "request.created": _l("Created"),
    "request.updated": _l("Changed by the employer"),
    "request.transition": _l("Status changed"),
    "request.assigned": _l("Handler changed"),
    "request.message": _l("Message written"),
    "request.note": _l("Internal note written"),
}


@dataclass
class AuditLine:
    at: object
    actor: str
    action: str
    changes: list[tuple[str, str, str]]  # (what, before, after)


def audit_history(req: ServiceRequest) -> list[AuditLine]:
    """Who changed what on the request, and when: the audit trail, readable."""
    from portal.core.models import AuditEvent

    rows = db.session.execute(
        select(AuditEvent, User.full_name).outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.object_type == ServiceRequest.__tablename__,
               AuditEvent.object_id == req.id)
        .order_by(AuditEvent.created_at, AuditEvent.id)).all()
    staff_names = {u.id: u.full_name for u in db.session.scalars(select(User).where(
        User.role.in_(STAFF_ROLES)))}
    kind = req.kind_enum
    lines = []
    for event, name in rows:
        changes = []
        for key, value in (event.changes or {}).items():
            if not (isinstance(value, dict) and set(value) == {"before", "after"}):
                continue
            before, after = value["before"], value["after"]
            if key == "state":
                label = str(_l("Status"))
                before, after = (RequestState(v).label if v in set(RequestState) else v
                                 for v in (before, after))
            elif key == "assigned_to_id":
                label = str(_l("Handled by"))
                before, after = (staff_names.get(v, "–") if v else "–" for v in (before, after))
            elif key == "needs":
                label = str(fields.LABELS["needs"])
                before, after = _need_labels(before), _need_labels(after)
            elif key in fields.LABELS:
                label = fields.label(kind, key)
                before, after = fields.display(key, before), fields.display(key, after)
            else:
                label = key
            changes.append((label, str(before), str(after)))
        lines.append(AuditLine(event.created_at, name or "–",
                               str(AUDIT_ACTIONS.get(event.action, event.action)), changes))
    return lines


# --- assignment -----------------------------------------------------------------------------

def assign(req: ServiceRequest, assignee: User | None, *, actor: User,
           expected_version: int | None = None) -> bool:
    """Give the request to a staff member (or to no one); returns whether it changed."""
    check_version(req, expected_version)
    if not actor.is_staff:
        raise DomainError(_("Only staff can assign requests."))
    if assignee is not None and not (assignee.is_staff and assignee.active):
        raise DomainError(_("Choose an active staff member."), "assignee")
    before = req.assigned_to_id
    after = assignee.id if assignee is not None else None
    if before == after:
        return False
    req.assigned_to_id = after
    req.assigned_to = assignee
    audit.record("request.assigned", req, actor=actor, changes={"assigned_to_id": (before, after)})
    if assignee is not None and assignee.id != actor.id:
        notifications.notify(assignee, NotificationKind.REQUEST_ASSIGNED, about=req,
                             actor=actor, mail="request_assigned", req=req,
                             organisation=req.organisation,
                             link=external_url("staff_requests.detail", request_id=req.id))
    db.session.flush()
    return True


# --- internal notes (staff only) -------------------------------------------------------------

def add_note(req: ServiceRequest, *, author: User, body: str) -> InternalNote:
    if not author.is_staff:
        raise DomainError(_("Only staff can write internal notes."))
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Write a note."), "body")
    if len(body) > MESSAGE_MAX:
        raise DomainError(_("Use at most %(max)d characters.", max=MESSAGE_MAX), "body")
    note = InternalNote(request_id=req.id, author_id=author.id, body=body)
    db.session.add(note)
    db.session.flush()
    audit.record("request.note", req, actor=author, changes={"note_id": note.id})
    return note


def notes(req: ServiceRequest) -> list[InternalNote]:
    return list(db.session.scalars(select(InternalNote).where(InternalNote.request_id == req.id)
                                   .order_by(InternalNote.created_at, InternalNote.id)))


def open_needs(org: Organisation) -> list[HiringNeed]:
    return list(db.session.scalars(select(HiringNeed).where(
        HiringNeed.organisation_id == org.id, HiringNeed.status == NeedStatus.OPEN)
        .order_by(HiringNeed.created_at.desc())))
