"""Participants: job seekers in the unit's measures. Staff only; least data the work needs."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.dates import local_today
from portal.core.models import TimestampMixin
from portal.employers.enums import DrivingLicence, Sector
from portal.extensions import db


class Participant(TimestampMixin, db.Model):
    """Identified by the unit's case reference, never by a personal identity number."""

    __tablename__ = "participants"
    __table_args__ = (Index("ix_participants_name", "last_name", "first_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(80), nullable=False)
    last_name: Mapped[str] = mapped_column(String(80), nullable=False)
    case_reference: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    email: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    phone: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    languages: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    driving_licence: Mapped[str] = mapped_column(String(4), nullable=False,
                                                 default=DrivingLicence.NONE)
    # What came up in the screening conversation that matters for matching.
    profile_note: Mapped[str] = mapped_column(String(1000), nullable=False, default="")
    # The first meeting with the unit: Helsingør's 4-week rules (a commitment within four
    # weeks) count from it, and it may come before the person is registered here.
    intake_on: Mapped[date] = mapped_column(Date, nullable=False, default=local_today,
                                            index=True)
    # Which of the labour-market department's units works with the person (PORTAL_UNITS);
    # empty where the department has one unit. The reports filter by it.
    unit: Mapped[str] = mapped_column(String(80), nullable=False, default="", index=True,
                                      server_default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    sector_rows: Mapped[list[ParticipantSector]] = relationship(
        back_populates="participant", cascade="all, delete-orphan", lazy="selectin",
        order_by="ParticipantSector.sector")

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def sectors(self) -> list[Sector]:
        return [Sector(r.sector) for r in self.sector_rows if r.sector in set(Sector)]

    @property
    def driving_licence_enum(self) -> DrivingLicence:
        return DrivingLicence(self.driving_licence)


class ParticipantSector(db.Model):
    """The sector profile: a sector the participant fits."""

    __tablename__ = "participant_sectors"

    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True)
    sector: Mapped[str] = mapped_column(String(20), primary_key=True, index=True)

    participant: Mapped[Participant] = relationship(back_populates="sector_rows")


class Outcome(TimestampMixin, db.Model):
    """Where a participant stood after one measure, at its end or at the follow-up.

    A measure is a course (cohort_id), a recruitment event (event_id) or a placement
    (placement_id); exactly one is set.
    One row per participant, measure and checkpoint: recording again replaces it.
    """

    __tablename__ = "participant_outcomes"
    __table_args__ = (
        CheckConstraint("(CASE WHEN cohort_id IS NULL THEN 0 ELSE 1 END)"
                        " + (CASE WHEN event_id IS NULL THEN 0 ELSE 1 END)"
                        " + (CASE WHEN placement_id IS NULL THEN 0 ELSE 1 END) = 1",
                        name="one_measure"),
        CheckConstraint("weekly_hours IS NULL OR weekly_hours BETWEEN 1 AND 60",
                        name="hours_range"),
        UniqueConstraint("participant_id", "cohort_id", "checkpoint",
                         name="uq_outcome_cohort"),
        UniqueConstraint("participant_id", "event_id", "checkpoint", name="uq_outcome_event"),
        UniqueConstraint("participant_id", "placement_id", "checkpoint",
                         name="uq_outcome_placement"),
        Index("ix_participant_outcomes_checkpoint_on", "checkpoint", "recorded_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), nullable=False)
    cohort_id: Mapped[int | None] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("recruitment_events.id", ondelete="CASCADE"), index=True)
    placement_id: Mapped[int | None] = mapped_column(
        ForeignKey("placements.id", ondelete="CASCADE"), index=True)
    checkpoint: Mapped[str] = mapped_column(String(10), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    # The employer, when it is in the portal; else its name as told.
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True)
    employer_name: Mapped[str] = mapped_column(String(160), nullable=False, default="")
    employment_form: Mapped[str] = mapped_column(String(12), nullable=False, default="")
    weekly_hours: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    recorded_on: Mapped[date] = mapped_column(Date, nullable=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                  ondelete="SET NULL"))
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    participant: Mapped[Participant] = relationship(lazy="joined")
    organisation = relationship("Organisation", lazy="joined")
    cohort = relationship("Cohort")
    event = relationship("RecruitmentEvent")
    placement = relationship("Placement")

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def status_enum(self):
        from portal.participants.enums import OutcomeStatus

        return OutcomeStatus(self.status)

    @property
    def checkpoint_enum(self):
        from portal.participants.enums import Checkpoint

        return Checkpoint(self.checkpoint)

    @property
    def employment_form_enum(self):
        from portal.employers.enums import EmploymentForm

        return EmploymentForm(self.employment_form) if self.employment_form else None

    @property
    def employer_label(self) -> str:
        return self.organisation.name if self.organisation is not None else self.employer_name


class ScreeningQuestion(TimestampMixin, db.Model):
    """An admin's own wording of the screening guide for one sector. A sector with no rows
    uses the shipped questions (translated); once edited, the stored text is shown as written.
    """

    __tablename__ = "screening_questions"
    __table_args__ = (UniqueConstraint("sector", "position", name="uq_screening_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sector: Mapped[str] = mapped_column(String(20), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    text: Mapped[str] = mapped_column(String(300), nullable=False)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
