"""Recruitment events ("rekryteringsträff"): employers meet job seekers the unit invites."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.models import TimestampMixin, TZDateTime
from portal.employers.models import Organisation
from portal.events.enums import Attendance, EventRole, EventState, Response
from portal.extensions import db

event_requests = Table(
    "event_requests",
    db.metadata,
    Column("event_id", ForeignKey("recruitment_events.id", ondelete="CASCADE"),
           primary_key=True),
    Column("request_id", ForeignKey("service_requests.id", ondelete="CASCADE"),
           primary_key=True, index=True),
)


class RecruitmentEvent(TimestampMixin, db.Model):
    __tablename__ = "recruitment_events"
    __table_args__ = (
        CheckConstraint("capacity BETWEEN 1 AND 500", name="capacity_range"),
        CheckConstraint("end_time > start_time", name="ends_after_start"),
        CheckConstraint("state <> 'cancelled' OR cancel_reason <> ''",
                        name="cancel_has_reason"),
        Index("ix_recruitment_events_state_date", "state", "event_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120), nullable=False)
    sector: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    occupation_code: Mapped[str] = mapped_column(String(5), nullable=False, default="")
    occupation_other: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    # Local date and wall-clock times in the portal's time zone: what the invitation says.
    event_date: Mapped[date] = mapped_column(Date, nullable=False)
    start_time: Mapped[time] = mapped_column(Time, nullable=False)
    end_time: Mapped[time] = mapped_column(Time, nullable=False)
    location: Mapped[str] = mapped_column(String(160), nullable=False, default="")
    online_url: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    capacity: Mapped[int] = mapped_column(Integer, nullable=False)  # job seekers invited
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    state: Mapped[str] = mapped_column(String(12), nullable=False, default=EventState.PLANNED)
    state_changed_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    cancel_reason: Mapped[str] = mapped_column(String(1000), nullable=False, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    requests = relationship("ServiceRequest", secondary=event_requests,
                            order_by="ServiceRequest.id")
    organisations: Mapped[list[EventOrganisation]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventOrganisation.id")

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def state_enum(self) -> EventState:
        return EventState(self.state)

    @property
    def occupation_label(self) -> str:
        from portal.employers import occupations

        if not self.occupation_code:
            return ""
        return occupations.label(self.occupation_code, self.occupation_other)

    @property
    def sector_label(self) -> str:
        from portal.employers.enums import Sector

        return Sector(self.sector).label if self.sector in set(Sector) else self.sector


class EventOrganisation(TimestampMixin, db.Model):
    """An organisation taking part: its role, vacancies, answer and, after the day, results."""

    __tablename__ = "event_organisations"
    __table_args__ = (
        UniqueConstraint("event_id", "organisation_id", name="uq_event_organisation"),
        CheckConstraint("vacancies BETWEEN 0 AND 500", name="vacancies_range"),
        CheckConstraint("interviews IS NULL OR interviews BETWEEN 0 AND 500",
                        name="interviews_range"),
        CheckConstraint("offers IS NULL OR offers BETWEEN 0 AND 500", name="offers_range"),
        CheckConstraint("hires IS NULL OR hires BETWEEN 0 AND 500", name="hires_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("recruitment_events.id", ondelete="CASCADE"), nullable=False)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False, index=True)
    role: Mapped[str] = mapped_column(String(12), nullable=False, default=EventRole.RECRUITER)
    vacancies: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    response: Mapped[str] = mapped_column(String(12), nullable=False, default=Response.INVITED)
    responded_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                   ondelete="SET NULL"))
    # Results, recorded after the event; NULL until then.
    interviews: Mapped[int | None] = mapped_column(Integer)
    offers: Mapped[int | None] = mapped_column(Integer)
    hires: Mapped[int | None] = mapped_column(Integer)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    event: Mapped[RecruitmentEvent] = relationship(back_populates="organisations")
    organisation: Mapped[Organisation] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def role_enum(self) -> EventRole:
        return EventRole(self.role)

    @property
    def response_enum(self) -> Response:
        return Response(self.response)


class EventInvitation(TimestampMixin, db.Model):
    """A job seeker invited to the event, and whether they came. Staff only."""

    __tablename__ = "event_invitations"
    __table_args__ = (
        UniqueConstraint("event_id", "participant_id", name="uq_event_invitation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("recruitment_events.id", ondelete="CASCADE"), nullable=False)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), nullable=False, index=True)
    attendance: Mapped[str] = mapped_column(String(12), nullable=False,
                                            default=Attendance.INVITED)

    event: Mapped[RecruitmentEvent] = relationship()
    participant = relationship("Participant", lazy="joined")

    @property
    def attendance_enum(self) -> Attendance:
        return Attendance(self.attendance)
