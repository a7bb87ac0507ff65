"""Participants: job seekers in the unit's measures. Staff only; least data the work needs."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

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
