"""Mentor training ("mentorsutbildning"): sessions supervisors attend to become trained."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.models import TimestampMixin, TZDateTime
from portal.extensions import db
from portal.mentor_training.enums import SeatStatus, SessionState


class MentorSession(TimestampMixin, db.Model):
    __tablename__ = "mentor_sessions"
    __table_args__ = (
        CheckConstraint("capacity BETWEEN 1 AND 200", name="capacity_range"),
        CheckConstraint("end_time > start_time", name="ends_after_start"),
        CheckConstraint("state <> 'cancelled' OR cancel_reason <> ''",
                        name="cancel_has_reason"),
        Index("ix_mentor_sessions_state_date", "state", "session_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120), nullable=False)
    # Local date and wall-clock times in the portal's time zone.
    session_date: Mapped[date] = mapped_column(Date, nullable=False)
    start_time: Mapped[time] = mapped_column(Time, nullable=False)
    end_time: Mapped[time] = mapped_column(Time, nullable=False)
    location: Mapped[str] = mapped_column(String(160), nullable=False, default="")
    online_url: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    capacity: Mapped[int] = mapped_column(Integer, nullable=False)
    # MentorTopic values (portal.requests.enums), the same topics employers ask for.
    topics: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # A session held for one organisation (answering its mentor-training request);
    # NULL for an open session anyone approved may join.
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True)
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_requests.id", ondelete="SET NULL"), index=True)
    state: Mapped[str] = mapped_column(String(12), nullable=False, default=SessionState.PLANNED)
    state_changed_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    cancel_reason: Mapped[str] = mapped_column(String(1000), nullable=False, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    organisation = relationship("Organisation", lazy="joined")
    request = relationship("ServiceRequest")

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def state_enum(self) -> SessionState:
        return SessionState(self.state)


class MentorSeat(TimestampMixin, db.Model):
    """One supervisor signed up for one session: a place, or a place in line."""

    __tablename__ = "mentor_seats"
    __table_args__ = (
        UniqueConstraint("session_id", "supervisor_id", name="uq_mentor_seat"),
        Index("ix_mentor_seats_session_status", "session_id", "status", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("mentor_sessions.id", ondelete="CASCADE"), nullable=False)
    supervisor_id: Mapped[int] = mapped_column(
        ForeignKey("supervisors.id", ondelete="CASCADE"), nullable=False, index=True)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default=SeatStatus.BOOKED)
    # Order of signing up; the waiting list is served by it.
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    # Marked by staff after the session: NULL until then.
    attended: Mapped[bool | None] = mapped_column(Boolean)
    signed_up_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                   ondelete="SET NULL"))

    session: Mapped[MentorSession] = relationship()
    supervisor = relationship("Supervisor", lazy="joined")

    @property
    def status_enum(self) -> SeatStatus:
        return SeatStatus(self.status)
