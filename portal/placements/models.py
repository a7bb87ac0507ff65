"""Placements: a participant at a host organisation with a supervisor, for a period."""

from __future__ import annotations

from datetime import date, datetime

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

from portal.core.models import TimestampMixin, TZDateTime, utcnow
from portal.extensions import db
from portal.placements.enums import CheckInRating, EndOutcome, FollowUpKind, PlacementState


class Placement(TimestampMixin, db.Model):
    __tablename__ = "placements"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint("weekly_hours BETWEEN 1 AND 40", name="hours_range"),
        # Past the proposal, a placement has its supervisor.
        CheckConstraint("state IN ('proposed', 'cancelled') OR supervisor_id IS NOT NULL",
                        name="agreed_has_supervisor"),
        CheckConstraint("state <> 'ended' OR (end_outcome IS NOT NULL AND ended_on IS NOT NULL)",
                        name="ended_has_outcome"),
        CheckConstraint("end_outcome IS NULL OR end_outcome <> 'interrupted' "
                        "OR end_reason <> ''", name="interrupted_has_reason"),
        CheckConstraint("state <> 'cancelled' OR cancel_reason <> ''",
                        name="cancel_has_reason"),
        Index("ix_placements_supervisor_state", "supervisor_id", "state"),
        Index("ix_placements_organisation_state", "organisation_id", "state"),
        Index("ix_placements_participant_state", "participant_id", "state"),
        Index("ix_placements_state_starts", "state", "starts_on"),
        Index("ix_placements_ended_on", "ended_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), nullable=False)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False)
    supervisor_id: Mapped[int | None] = mapped_column(
        ForeignKey("supervisors.id", ondelete="SET NULL"))
    # The intern/placement request it answers, if any.
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_requests.id", ondelete="SET NULL"), index=True)
    placement_type: Mapped[str] = mapped_column(String(30), nullable=False)
    # The sector of the work, for the reports' figures by sector; None: not stated.
    sector: Mapped[str | None] = mapped_column(String(20), index=True)
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(Date, nullable=False)
    weekly_hours: Mapped[int] = mapped_column(Integer, nullable=False)
    tasks: Mapped[str] = mapped_column(String(1000), nullable=False, default="")
    state: Mapped[str] = mapped_column(String(10), nullable=False,
                                       default=PlacementState.PROPOSED)
    state_changed_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    agreed_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    agreed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                ondelete="SET NULL"))
    # Set when it ends: the real last day (may be before ends_on) and where the person went.
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_outcome: Mapped[str | None] = mapped_column(String(20), index=True)
    end_reason: Mapped[str] = mapped_column(String(1000), nullable=False, default="")
    cancel_reason: Mapped[str] = mapped_column(String(1000), nullable=False, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    participant = relationship("Participant", lazy="joined")
    organisation = relationship("Organisation", lazy="joined")
    supervisor = relationship("Supervisor", lazy="joined")
    request = relationship("ServiceRequest")
    follow_ups: Mapped[list[PlacementFollowUp]] = relationship(
        back_populates="placement", cascade="all, delete-orphan",
        order_by="PlacementFollowUp.due_on")

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def state_enum(self) -> PlacementState:
        return PlacementState(self.state)

    @property
    def type_enum(self):
        from portal.requests.enums import PlacementType

        return PlacementType(self.placement_type)

    @property
    def end_outcome_enum(self) -> EndOutcome | None:
        return EndOutcome(self.end_outcome) if self.end_outcome else None


class PlacementFollowUp(db.Model):
    """A scheduled follow-up; missed when its day has passed and it is not done."""

    __tablename__ = "placement_follow_ups"
    __table_args__ = (
        UniqueConstraint("placement_id", "kind", name="uq_placement_follow_up"),
        Index("ix_placement_follow_ups_open_due", "done_on", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(
        ForeignKey("placements.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    done_on: Mapped[date | None] = mapped_column(Date)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                              ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(1000), nullable=False, default="")

    placement: Mapped[Placement] = relationship(back_populates="follow_ups")

    @property
    def kind_enum(self) -> FollowUpKind:
        return FollowUpKind(self.kind)


class PlacementCheckIn(db.Model):
    """The supervisor's short weekly word on an active placement; staff read it."""

    __tablename__ = "placement_check_ins"
    __table_args__ = (
        # One per placement and week: a second submit of the same week replaces it.
        UniqueConstraint("placement_id", "week_start", name="uq_placement_check_in_week"),
        CheckConstraint("hours BETWEEN 0 AND 60", name="hours_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(
        ForeignKey("placements.id", ondelete="CASCADE"), nullable=False)
    week_start: Mapped[date] = mapped_column(Date, nullable=False)  # the week's Monday
    rating: Mapped[str] = mapped_column(String(10), nullable=False)
    hours: Mapped[int] = mapped_column(Integer, nullable=False)
    concerns: Mapped[str] = mapped_column(String(1000), nullable=False, default="")
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                   ondelete="SET NULL"))
    submitted_at: Mapped[datetime] = mapped_column(TZDateTime(), nullable=False,
                                                   default=utcnow)

    placement: Mapped[Placement] = relationship()

    @property
    def rating_enum(self) -> CheckInRating:
        return CheckInRating(self.rating)
