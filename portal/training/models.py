"""Cohort trainings: a course for a group of job seekers, answering employers' needs."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
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
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.models import TimestampMixin, TZDateTime
from portal.employers.models import Organisation
from portal.extensions import db
from portal.training.enums import CohortState, CommitmentStatus, Provider

cohort_requests = Table(
    "cohort_requests",
    db.metadata,
    Column("cohort_id", ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True),
    Column("request_id", ForeignKey("service_requests.id", ondelete="CASCADE"),
           primary_key=True, index=True),
)

cohort_analyses = Table(
    "cohort_analyses",
    db.metadata,
    Column("cohort_id", ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True),
    Column("analysis_id", ForeignKey("needs_analyses.id", ondelete="CASCADE"),
           primary_key=True, index=True),
)


class Cohort(TimestampMixin, db.Model):
    __tablename__ = "cohorts"
    __table_args__ = (
        CheckConstraint("weeks BETWEEN 1 AND 104", name="weeks_range"),
        CheckConstraint("seats BETWEEN 1 AND 200", name="seats_range"),
        CheckConstraint("end_date >= start_date", name="ends_after_start"),
        CheckConstraint("state <> 'cancelled' OR cancel_reason <> ''",
                        name="cancel_has_reason"),
        Index("ix_cohorts_state_start", "state", "start_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120), nullable=False)
    sector: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    occupation_code: Mapped[str] = mapped_column(String(5), nullable=False)
    occupation_other: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    provider: Mapped[str] = mapped_column(String(20), nullable=False)
    provider_name: Mapped[str] = mapped_column(String(160), nullable=False, default="")
    weeks: Mapped[int] = mapped_column(Integer, nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    # Derived from start and weeks; stored so lists and calendars filter by it in SQL.
    end_date: Mapped[date] = mapped_column(Date, nullable=False)
    weekly_hours: Mapped[int | None] = mapped_column(Integer)
    location: Mapped[str] = mapped_column(String(160), nullable=False, default="")
    seats: Mapped[int] = mapped_column(Integer, nullable=False)
    language_support: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    state: Mapped[str] = mapped_column(String(12), nullable=False, default=CohortState.PLANNED)
    state_changed_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    cancel_reason: Mapped[str] = mapped_column(String(1000), nullable=False, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    requests = relationship("ServiceRequest", secondary=cohort_requests,
                            order_by="ServiceRequest.id")
    analyses = relationship("NeedsAnalysis", secondary=cohort_analyses,
                            order_by="NeedsAnalysis.id")
    commitments: Mapped[list[CohortCommitment]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan",
        order_by="CohortCommitment.id")

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def state_enum(self) -> CohortState:
        return CohortState(self.state)

    @property
    def provider_enum(self) -> Provider:
        return Provider(self.provider)

    @property
    def occupation_label(self) -> str:
        from portal.employers import occupations

        return occupations.label(self.occupation_code, self.occupation_other)

    @property
    def sector_label(self) -> str:
        from portal.employers.enums import Sector

        return Sector(self.sector).label if self.sector in set(Sector) else self.sector


class CohortCommitment(TimestampMixin, db.Model):
    """What one organisation promises a cohort: interviews, hires, the practical part."""

    __tablename__ = "cohort_commitments"
    __table_args__ = (
        UniqueConstraint("cohort_id", "organisation_id", name="uq_cohort_commitment_org"),
        CheckConstraint("hires BETWEEN 0 AND 200", name="hires_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"),
                                           nullable=False)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False, index=True)
    status: Mapped[str] = mapped_column(String(12), nullable=False,
                                        default=CommitmentStatus.INTERESTED)
    interviews: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    hires: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    hosts_practical: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    note: Mapped[str] = mapped_column(String(1000), nullable=False, default="")

    cohort: Mapped[Cohort] = relationship(back_populates="commitments")
    organisation: Mapped[Organisation] = relationship(lazy="joined")

    @property
    def status_enum(self) -> CommitmentStatus:
        return CommitmentStatus(self.status)


class Enrolment(TimestampMixin, db.Model):
    """A participant's place in a cohort: enrolled, offered a seat, or waiting for one."""

    __tablename__ = "cohort_enrolments"
    __table_args__ = (
        UniqueConstraint("cohort_id", "participant_id", name="uq_enrolment_participant"),
        Index("ix_cohort_enrolments_cohort_status", "cohort_id", "status"),
        Index("ix_cohort_enrolments_ended_on", "ended_on"),
        CheckConstraint("status <> 'offered' OR reply_by IS NOT NULL",
                        name="offer_has_reply_by"),
        CheckConstraint("status NOT IN ('completed', 'dropped_out') OR ended_on IS NOT NULL",
                        name="end_has_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"),
                                           nullable=False)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), nullable=False, index=True)
    status: Mapped[str] = mapped_column(String(12), nullable=False)
    # The waiting list's order: when the person joined it (ties broken by id).
    queued_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    offered_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    reply_by: Mapped[date | None] = mapped_column(Date)
    enrolled_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    cohort: Mapped[Cohort] = relationship()
    participant = relationship("Participant", lazy="joined")

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def status_enum(self):
        from portal.training.enums import EnrolmentStatus

        return EnrolmentStatus(self.status)


class Attendance(db.Model):
    """Hours present and absent in one week of a running course, per enrolment."""

    __tablename__ = "cohort_attendance"
    __table_args__ = (
        UniqueConstraint("enrolment_id", "week_start", name="uq_attendance_week"),
        CheckConstraint("present_hours BETWEEN 0 AND 60", name="present_range"),
        CheckConstraint("absent_hours BETWEEN 0 AND 60", name="absent_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("cohort_enrolments.id", ondelete="CASCADE"), nullable=False)
    week_start: Mapped[date] = mapped_column(Date, nullable=False)  # a Monday
    present_hours: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    absent_hours: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
