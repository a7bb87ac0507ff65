"""The staff inbox: every submitted request, filtered, searched and sorted in SQL."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from portal.accounts.enums import STAFF_ROLES
from portal.accounts.models import User
from portal.core.dates import local_today
from portal.core.search import like_pattern
from portal.employers.enums import Sector
from portal.employers.models import Organisation, OrganisationSector
from portal.extensions import db
from portal.requests.enums import OPEN_STATES, RequestKind, RequestState
from portal.requests.models import ServiceRequest
from portal.requests.sla import DUE_SOON_DAYS

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
SORTS = ("newest", "oldest", "due", "organisation", "reference")


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value and len(value) == 10 else None
    except ValueError:
        return None


@dataclass
class Filters:
    """What the inbox shows; parsed leniently from the query string (unknown = ignored)."""

    kind: str = ""
    state: str = ""
    sector: str = ""
    assignee: str = ""  # "", "me", "none" or a staff user's id
    overdue: bool = False
    q: str = ""
    submitted_from: date | None = None
    submitted_to: date | None = None
    sort: str = "newest"
    page: int = 1
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_args(cls, args) -> Filters:
        def pick(name, allowed):
            value = args.get(name, "")
            return value if value in allowed else ""

        assignee = args.get("assignee", "")
        if not (assignee in ("me", "none") or (assignee.isdecimal() and len(assignee) < 10)):
            assignee = ""
        page = args.get("page", "1")
        return cls(
            kind=pick("kind", set(RequestKind)),
            state=pick("state", {s.value for s in RequestState if s != RequestState.DRAFT}),
            sector=pick("sector", set(Sector)),
            assignee=assignee,
            overdue=args.get("overdue") in ("1", "y", "on", "true"),
            # Control characters (NUL above all: PostgreSQL refuses it) never reach SQL.
            q=" ".join(_CONTROL.sub(" ", args.get("q", "")).split())[:100],
            submitted_from=_date(args.get("from")),
            submitted_to=_date(args.get("to")),
            sort=pick("sort", set(SORTS)) or "newest",
            page=int(page) if page.isdecimal() and len(page) < 6 and int(page) > 0 else 1,
        )

    def as_args(self, **changes) -> dict:
        """The filters as URL arguments (for links that keep them), minus empty ones."""
        values = {"kind": self.kind, "state": self.state, "sector": self.sector,
                  "assignee": self.assignee, "overdue": "1" if self.overdue else "",
                  "q": self.q, "from": self.submitted_from.isoformat()
                  if self.submitted_from else "",
                  "to": self.submitted_to.isoformat() if self.submitted_to else "",
                  "sort": self.sort if self.sort != "newest" else "",
                  "page": str(self.page) if self.page > 1 else ""}
        values.update({k: ("" if v is None else str(v)) for k, v in changes.items()})
        return {k: v for k, v in values.items() if v}


def _start_of(day: date) -> datetime:
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.combine(day, time.min, tzinfo=zone)


def due_expression():
    """The earliest open service-level date, in SQL (NULL when nothing is due)."""
    response = case((ServiceRequest.first_response_at.is_(None),
                     ServiceRequest.first_response_due), else_=None)
    commitment = case((ServiceRequest.committed_at.is_(None),
                       ServiceRequest.commitment_due), else_=None)
    both = case(
        (response.is_(None), commitment),
        (commitment.is_(None), response),
        (response <= commitment, response),
        else_=commitment,
    )
    return case((and_(ServiceRequest.state.in_([s.value for s in OPEN_STATES]),
                      ServiceRequest.paused_at.is_(None)), both), else_=None)


def query(filters: Filters, user: User):
    q = select(ServiceRequest).join(Organisation,
                                    Organisation.id == ServiceRequest.organisation_id)
    q = q.where(ServiceRequest.state != RequestState.DRAFT)
    if filters.kind:
        q = q.where(ServiceRequest.kind == filters.kind)
    if filters.state:
        q = q.where(ServiceRequest.state == filters.state)
    if filters.sector:
        q = q.where(exists().where(and_(
            OrganisationSector.organisation_id == ServiceRequest.organisation_id,
            OrganisationSector.sector == filters.sector)))
    if filters.assignee == "me":
        q = q.where(ServiceRequest.assigned_to_id == user.id)
    elif filters.assignee == "none":
        q = q.where(ServiceRequest.assigned_to_id.is_(None))
    elif filters.assignee:
        q = q.where(ServiceRequest.assigned_to_id == int(filters.assignee))
    due = due_expression()
    if filters.overdue:
        q = q.where(due < local_today())
    if filters.submitted_from:
        q = q.where(ServiceRequest.submitted_at >= _start_of(filters.submitted_from))
    if filters.submitted_to:
        q = q.where(ServiceRequest.submitted_at
                    < _start_of(filters.submitted_to + timedelta(days=1)))
    if filters.q:
        like = like_pattern(filters.q.lower())
        digits = "".join(c for c in filters.q if c.isdecimal())
        terms = [func.lower(column).like(like, escape="\\") for column in (
            Organisation.name, ServiceRequest.reference, ServiceRequest.roles,
            ServiceRequest.skill, ServiceRequest.tasks, ServiceRequest.details)]
        if len(digits) >= 4:
            terms.append(Organisation.org_number.like(f"%{digits}%"))
        q = q.where(or_(*terms))
    order = {
        "newest": [ServiceRequest.submitted_at.desc(), ServiceRequest.id.desc()],
        "oldest": [ServiceRequest.submitted_at.asc(), ServiceRequest.id.asc()],
        "due": [case((due.is_(None), 1), else_=0), due.asc(), ServiceRequest.id.asc()],
        "organisation": [func.lower(Organisation.name), ServiceRequest.id.desc()],
        "reference": [ServiceRequest.reference.asc()],
    }[filters.sort]
    return q.order_by(*order)


def inbox(filters: Filters, user: User, per_page: int):
    # The organisation comes from the query's own join, not a second joined load.
    return db.paginate(query(filters, user).options(selectinload(ServiceRequest.assigned_to),
                                                    contains_eager(ServiceRequest.organisation)),
                       page=filters.page, per_page=per_page, error_out=False)


def ids_in_order(filters: Filters, user: User, limit: int = 5000) -> list[int]:
    """The filtered list's request ids, in its order (for "save and next")."""
    q = query(filters, user).with_only_columns(ServiceRequest.id)
    return list(db.session.scalars(q.limit(limit)))


def next_after(ids: list[int], current: int) -> int | None:
    if current in ids:
        position = ids.index(current)
        return ids[position + 1] if position + 1 < len(ids) else None
    return ids[0] if ids else None


def staff_members() -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.role.in_(STAFF_ROLES), User.active.is_(True)).order_by(User.full_name)))


def due_soon_limit() -> date:
    return local_today() + timedelta(days=DUE_SOON_DAYS)


def my_day(user: User, limit: int = 50) -> dict[str, list[ServiceRequest]]:
    """What the staff member should look at today, in SQL."""
    due = due_expression()
    today = local_today()
    base = (select(ServiceRequest).where(ServiceRequest.state != RequestState.DRAFT)
            .options(selectinload(ServiceRequest.assigned_to)))
    mine = base.where(ServiceRequest.assigned_to_id == user.id)

    def rows(q):
        return list(db.session.scalars(q.limit(limit)))

    return {
        "overdue": rows(mine.where(due < today).order_by(due, ServiceRequest.id)),
        "due_soon": rows(mine.where(due >= today, due <= due_soon_limit())
                         .order_by(due, ServiceRequest.id)),
        "waiting": rows(mine.where(ServiceRequest.state == RequestState.NEEDS_INFO)
                        .order_by(ServiceRequest.state_changed_at)),
        "unassigned": rows(base.where(ServiceRequest.assigned_to_id.is_(None),
                                      ServiceRequest.state.in_([s.value for s in OPEN_STATES]))
                           .order_by(case((due.is_(None), 1), else_=0), due,
                                     ServiceRequest.submitted_at)),
    }
