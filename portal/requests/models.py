from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.models import TimestampMixin, TZDateTime, utcnow
from portal.employers.models import HiringNeed, Organisation
from portal.extensions import db
from portal.requests.enums import RequestKind, RequestState

request_needs = Table(
    "request_needs",
    db.metadata,
    Column("request_id", ForeignKey("service_requests.id", ondelete="CASCADE"),
           primary_key=True),
    Column("need_id", ForeignKey("hiring_needs.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class ServiceRequest(TimestampMixin, db.Model):
    """One employer request: a recruitment event, a course, a placement or mentor training.

    The kind-specific answers are typed columns (see fields.py for which kind
    uses which); ``state`` only changes through lifecycle.transition().
    """

    __tablename__ = "service_requests"
    __table_args__ = (
        Index("ix_service_requests_org_state", "organisation_id", "state"),
        Index("ix_service_requests_state_submitted", "state", "submitted_at"),
        # The staff inbox's default order (newest/oldest first, id breaking ties): the
        # first page and date ranges read the index instead of sorting every row.
        Index("ix_service_requests_submitted", "submitted_at", "id"),
        CheckConstraint("state <> 'declined' OR (decline_reason IS NOT NULL AND "
                        "decline_reason <> '')", name="declined_has_reason"),
        CheckConstraint("state = 'draft' OR reference IS NOT NULL OR state = 'withdrawn'",
                        name="submitted_has_reference"),
        CheckConstraint("headcount IS NULL OR headcount BETWEEN 1 AND 500",
                        name="headcount_range"),
        CheckConstraint("period_end IS NULL OR period_start IS NULL OR "
                        "period_end >= period_start", name="period_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    state: Mapped[str] = mapped_column(String(12), nullable=False, default=RequestState.DRAFT)
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
    # Taken by phone: staff filled in the form on the organisation's behalf.
    registered_by_staff: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                                      server_default=sa_false())
    assigned_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(TZDateTime())  # first submission
    state_changed_at: Mapped[datetime] = mapped_column(TZDateTime(), nullable=False,
                                                       default=utcnow)
    # Service levels (see sla.py): set on the first submission, paused while the
    # request waits for the employer (needs_info).
    first_response_due: Mapped[date | None] = mapped_column(Date, index=True)
    first_response_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    commitment_due: Mapped[date | None] = mapped_column(Date, index=True)
    committed_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    paused_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    decline_reason: Mapped[str | None] = mapped_column(String(2000))
    withdraw_reason: Mapped[str | None] = mapped_column(String(2000))

    # --- what the employer asks for (which kind uses which: fields.py) -------------
    roles: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    headcount: Mapped[int | None] = mapped_column(Integer)
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    venue: Mapped[str | None] = mapped_column(String(20))
    languages: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    employer_contribution: Mapped[str] = mapped_column(String(1000), nullable=False,
                                                       default="")
    skill: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    max_weeks: Mapped[int | None] = mapped_column(Integer)
    guaranteed_interviews: Mapped[bool] = mapped_column(Boolean, nullable=False,
                                                        default=False)
    hires: Mapped[int | None] = mapped_column(Integer)
    hosts_practical: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    preferred_start: Mapped[date | None] = mapped_column(Date)
    placement_type: Mapped[str | None] = mapped_column(String(30))
    tasks: Mapped[str] = mapped_column(String(1000), nullable=False, default="")
    hours_per_week: Mapped[int | None] = mapped_column(Integer)
    workplace_address: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    supervisor_status: Mapped[str | None] = mapped_column(String(12))
    supervisor_name: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    topics: Mapped[list | None] = mapped_column(JSON)
    details: Mapped[str] = mapped_column(String(2000), nullable=False, default="")

    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    needs: Mapped[list[HiringNeed]] = relationship(secondary=request_needs, lazy="selectin",
                                                   order_by=HiringNeed.id)
    created_by = relationship("User", foreign_keys=[created_by_id])
    assigned_to = relationship("User", foreign_keys=[assigned_to_id])

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def kind_enum(self) -> RequestKind:
        return RequestKind(self.kind)

    @property
    def state_enum(self) -> RequestState:
        return RequestState(self.state)

    @property
    def display_reference(self) -> str:
        from flask_babel import gettext

        # Drafts have no reference yet; "#9" would be confused with REQ-2026-00009.
        return self.reference or gettext("Draft %(num)d", num=self.id)

    @property
    def next_due(self) -> date | None:
        from portal.requests import sla

        return sla.next_due(self)

    @property
    def sla_status(self) -> str | None:
        from portal.requests import sla

        return sla.status(self)

    @property
    def summary(self) -> str:
        """A one-line description for lists."""
        what = self.skill or self.roles or ""
        what = " ".join(what.split())
        return what if len(what) <= 80 else what[:79] + "…"


class RequestStatusChange(db.Model):
    """The request's timeline: every state change, shown to the employer and staff."""

    __tablename__ = "request_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("service_requests.id", ondelete="CASCADE"), nullable=False, index=True)
    created_at: Mapped[datetime] = mapped_column(TZDateTime(), nullable=False, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_state: Mapped[str] = mapped_column(String(12), nullable=False)
    to_state: Mapped[str] = mapped_column(String(12), nullable=False)
    reason: Mapped[str] = mapped_column(String(2000), nullable=False, default="")
    # needs_info: {field name: comment} shown beside the fields in the employer's form.
    field_comments: Mapped[dict | None] = mapped_column(JSON)

    actor = relationship("User", lazy="joined")

    @property
    def to_state_enum(self) -> RequestState:
        return RequestState(self.to_state)


class RequestSubmission(db.Model):
    """What the request said at each submission, so staff see what changed."""

    __tablename__ = "request_submissions"
    __table_args__ = (UniqueConstraint("request_id", "number",
                                       name="uq_request_submissions_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("service_requests.id", ondelete="CASCADE"), nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(TZDateTime(), nullable=False, default=utcnow)
    snapshot: Mapped[dict] = mapped_column(JSON, nullable=False)


class RequestMessage(db.Model):
    """The conversation between the organisation's users and staff."""

    __tablename__ = "request_messages"
    __table_args__ = (Index("ix_request_messages_request", "request_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("service_requests.id", ondelete="CASCADE"), nullable=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_staff: Mapped[bool] = mapped_column(Boolean, nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(TZDateTime(), nullable=False, default=utcnow)

    author = relationship("User", lazy="joined")
    request: Mapped[ServiceRequest] = relationship()


class MessageRead(db.Model):
    __tablename__ = "message_reads"

    message_id: Mapped[int] = mapped_column(
        ForeignKey("request_messages.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)
    read_at: Mapped[datetime] = mapped_column(TZDateTime(), nullable=False, default=utcnow)


class InternalNote(db.Model):
    """Staff's own notes on a request. A separate table, so employer queries never
    reach it; no page, partial, export or mail for employers reads it."""

    __tablename__ = "request_internal_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("service_requests.id", ondelete="CASCADE"), nullable=False, index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(TZDateTime(), nullable=False, default=utcnow)

    author = relationship("User", lazy="joined")


class ReferenceCounter(db.Model):
    """The last number handed out per prefix and year (REQ-2026-00042)."""

    __tablename__ = "reference_counters"

    prefix: Mapped[str] = mapped_column(String(10), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
