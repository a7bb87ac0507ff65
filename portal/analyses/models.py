"""Needs analyses ("behovsanalys"): what an employer needs, written down with them.

An analysis is a case; its content lives in numbered versions. Version 1 is a
draft until staff finalise it; editing a final analysis starts the next
version as a draft copy, so every final version stays readable as it was when
the employer saw it.
"""

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

from portal.analyses.enums import AnalysisState, RecommendedAction, ResponseKind
from portal.core.models import TimestampMixin, TZDateTime, utcnow
from portal.employers.models import HiringNeed, Organisation
from portal.extensions import db

analysis_requests = Table(
    "analysis_requests",
    db.metadata,
    Column("analysis_id", ForeignKey("needs_analyses.id", ondelete="CASCADE"),
           primary_key=True),
    Column("request_id", ForeignKey("service_requests.id", ondelete="CASCADE"),
           primary_key=True, index=True),
)

analysis_needs = Table(
    "analysis_needs",
    db.metadata,
    Column("analysis_id", ForeignKey("needs_analyses.id", ondelete="CASCADE"),
           primary_key=True),
    Column("need_id", ForeignKey("hiring_needs.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class NeedsAnalysis(TimestampMixin, db.Model):
    __tablename__ = "needs_analyses"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
    # The latest final version (what the employer sees), and the draft being
    # written, if any. Kept here so lists and the demand overview need no
    # "latest version" subquery.
    final_number: Mapped[int | None] = mapped_column(Integer, index=True)
    draft_number: Mapped[int | None] = mapped_column(Integer)
    finalised_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    created_by = relationship("User", foreign_keys=[created_by_id])
    versions: Mapped[list[AnalysisVersion]] = relationship(
        back_populates="analysis", order_by="AnalysisVersion.number",
        cascade="all, delete-orphan")
    requests = relationship("ServiceRequest", secondary=analysis_requests,
                            order_by="ServiceRequest.id")
    needs: Mapped[list[HiringNeed]] = relationship(secondary=analysis_needs,
                                                   order_by=HiringNeed.id)

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def state(self) -> AnalysisState:
        if self.final_number is None:
            return AnalysisState.DRAFT
        return AnalysisState.REVISING if self.draft_number else AnalysisState.FINAL

    def version(self, number: int | None) -> AnalysisVersion | None:
        for v in self.versions:
            if v.number == number:
                return v
        return None

    @property
    def draft(self) -> AnalysisVersion | None:
        return self.version(self.draft_number)

    @property
    def final(self) -> AnalysisVersion | None:
        return self.version(self.final_number)

    @property
    def current(self) -> AnalysisVersion:
        """What staff work on: the draft if there is one, else the latest final."""
        return self.draft or self.final


class AnalysisVersion(TimestampMixin, db.Model):
    __tablename__ = "needs_analysis_versions"
    __table_args__ = (
        UniqueConstraint("analysis_id", "number", name="uq_analysis_version_number"),
        CheckConstraint("NOT is_final OR meeting_date IS NOT NULL",
                        name="final_has_meeting_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    analysis_id: Mapped[int] = mapped_column(
        ForeignKey("needs_analyses.id", ondelete="CASCADE"), nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    is_final: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    meeting_date: Mapped[date | None] = mapped_column(Date)
    # Names and roles, e.g. "Anna Berg (HR), Omar Ali (arbetsledare), Lena (kommunen)".
    participants: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    skills_gaps: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # RecommendedAction values, comma separated in the enum's order.
    actions: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    actions_note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    follow_up_date: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
    finalised_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    finalised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                   ondelete="SET NULL"))

    analysis: Mapped[NeedsAnalysis] = relationship(back_populates="versions")
    lines: Mapped[list[AnalysisLine]] = relationship(
        back_populates="version", order_by="AnalysisLine.position", lazy="selectin",
        cascade="all, delete-orphan")
    finalised_by = relationship("User", foreign_keys=[finalised_by_id])

    @property
    def action_list(self) -> list[RecommendedAction]:
        chosen = set(self.actions.split(",")) if self.actions else set()
        return [a for a in RecommendedAction if a.value in chosen]


class AnalysisLine(db.Model):
    """One current or coming need: occupation, how many, when, what it takes."""

    __tablename__ = "needs_analysis_lines"
    __table_args__ = (
        CheckConstraint("headcount BETWEEN 1 AND 500", name="analysis_headcount_range"),
        Index("ix_needs_analysis_lines_version", "version_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("needs_analysis_versions.id", ondelete="CASCADE"), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    occupation_code: Mapped[str] = mapped_column(String(5), nullable=False)
    occupation_other: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    headcount: Mapped[int] = mapped_column(Integer, nullable=False)
    timeframe: Mapped[str] = mapped_column(String(20), nullable=False)
    requirements: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    training_needed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    version: Mapped[AnalysisVersion] = relationship(back_populates="lines")

    @property
    def occupation_label(self) -> str:
        from portal.employers import occupations

        return occupations.label(self.occupation_code, self.occupation_other)

    @property
    def timeframe_label(self) -> str:
        from portal.employers.enums import NeedTimeframe

        return NeedTimeframe(self.timeframe).label


class AnalysisResponse(db.Model):
    """The employer's answer to a final version: confirmed, or a comment."""

    __tablename__ = "needs_analysis_responses"
    __table_args__ = (Index("ix_needs_analysis_responses_analysis", "analysis_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    analysis_id: Mapped[int] = mapped_column(
        ForeignKey("needs_analyses.id", ondelete="CASCADE"), nullable=False)
    version_number: Mapped[int] = mapped_column(Integer, nullable=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    comment: Mapped[str] = mapped_column(String(2000), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(TZDateTime(), default=utcnow, nullable=False)

    user = relationship("User", lazy="joined")

    @property
    def kind_enum(self) -> ResponseKind:
        return ResponseKind(self.kind)
