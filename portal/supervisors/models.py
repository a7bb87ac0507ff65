"""Workplace supervisors ("handledare"): people who take an intern or placement.

A profile is created by the public sign-up or by an employer admin for a
colleague; the person confirms by mail, staff approve or decline, and an
approved supervisor logs in to their own page (``user_id``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.models import TimestampMixin, TZDateTime
from portal.extensions import db
from portal.supervisors.enums import SupervisorStatus


class Supervisor(TimestampMixin, db.Model):
    __tablename__ = "supervisors"
    __table_args__ = (
        # A workplace is an organisation in the portal or a municipal department.
        CheckConstraint("organisation_id IS NOT NULL OR department <> ''",
                        name="has_workplace"),
        CheckConstraint("capacity BETWEEN 1 AND 10", name="capacity_range"),
        CheckConstraint("status = 'unconfirmed' OR consent_at IS NOT NULL",
                        name="confirmed_has_consent"),
        CheckConstraint("status <> 'declined' OR decline_reason <> ''",
                        name="decline_has_reason"),
        Index("ix_supervisors_status_name", "status", "full_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Set when staff approve: the account the supervisor logs in with.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), unique=True)
    full_name: Mapped[str] = mapped_column(String(120), nullable=False)
    # Lower-cased; one profile per address.
    email: Mapped[str] = mapped_column(String(254), nullable=False, unique=True)
    phone: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True)
    department: Mapped[str] = mapped_column(String(160), nullable=False, default="")
    # The organisation's municipality, or the department's; the register filters on it.
    municipality: Mapped[str] = mapped_column(String(80), nullable=False, default="",
                                              index=True)
    job_title: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    tasks: Mapped[str] = mapped_column(String(1000), nullable=False, default="")
    # Comma-separated, as the participants' languages are.
    languages: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    capacity: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    # When the person consented to the processing of their data: at the public sign-up,
    # or, for a colleague registered by an employer admin, when they confirm. Only a
    # consented profile can be confirmed (CHECK below).
    consent_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    # The language the profile was made in: mail goes out in it until an account exists.
    locale: Mapped[str] = mapped_column(String(5), nullable=False, default="sv")
    status: Mapped[str] = mapped_column(String(12), nullable=False,
                                        default=SupervisorStatus.UNCONFIRMED)
    confirmed_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
    decline_reason: Mapped[str] = mapped_column(String(1000), nullable=False, default="")
    deactivate_reason: Mapped[str] = mapped_column(String(1000), nullable=False, default="")
    # The date of the mentor training they attended; NULL while untrained.
    trained_on: Mapped[date | None] = mapped_column(Date, index=True)
    # An employer admin who registered a colleague; NULL for the public sign-up.
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                    ondelete="SET NULL"))
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    organisation = relationship("Organisation", lazy="joined")
    user = relationship("User", foreign_keys=[user_id],
                        backref=db.backref("supervisor_profile", uselist=False,
                                           lazy="select"))
    sector_rows: Mapped[list[SupervisorSector]] = relationship(
        back_populates="supervisor", cascade="all, delete-orphan", lazy="selectin",
        order_by="SupervisorSector.sector")
    availability: Mapped[list[SupervisorAvailability]] = relationship(
        back_populates="supervisor", cascade="all, delete-orphan", lazy="selectin",
        order_by="SupervisorAvailability.starts_on")

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def status_enum(self) -> SupervisorStatus:
        return SupervisorStatus(self.status)

    @property
    def sectors(self) -> list[str]:
        return [row.sector for row in self.sector_rows]

    @property
    def sector_labels(self) -> str:
        from portal.supervisors.services import sector_names

        return sector_names(self.sectors)

    @property
    def first_name(self) -> str:
        return self.full_name.split()[0] if self.full_name.strip() else ""

    @property
    def workplace(self) -> str:
        return self.organisation.name if self.organisation is not None else self.department

    @property
    def is_approved(self) -> bool:
        return self.status == SupervisorStatus.APPROVED

    def __repr__(self) -> str:
        return f"<Supervisor {self.id} {self.status}>"


class SupervisorSector(db.Model):
    """A sector the supervisor can take people in; the register and matching filter on it."""

    __tablename__ = "supervisor_sectors"

    supervisor_id: Mapped[int] = mapped_column(
        ForeignKey("supervisors.id", ondelete="CASCADE"), primary_key=True)
    sector: Mapped[str] = mapped_column(String(20), primary_key=True, index=True)

    supervisor: Mapped[Supervisor] = relationship(back_populates="sector_rows")


class SupervisorAvailability(db.Model):
    """A period the supervisor can take someone; an open end means until further notice."""

    __tablename__ = "supervisor_availability"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
        Index("ix_supervisor_availability_period", "supervisor_id", "starts_on", "ends_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supervisor_id: Mapped[int] = mapped_column(
        ForeignKey("supervisors.id", ondelete="CASCADE"), nullable=False)
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[date | None] = mapped_column(Date)

    supervisor: Mapped[Supervisor] = relationship(back_populates="availability")
