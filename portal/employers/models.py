from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.models import TimestampMixin, TZDateTime
from portal.employers.enums import (
    Country,
    DrivingLicence,
    EmploymentForm,
    MembershipStatus,
    NeedStatus,
    NeedTimeframe,
    OrgRole,
    PhysicalDemands,
    Sector,
    SizeBand,
    SwedishLevel,
)
from portal.extensions import db


class Organisation(TimestampMixin, db.Model):
    __tablename__ = "organisations"
    __table_args__ = (
        UniqueConstraint("country", "org_number", name="uq_organisations_country_number"),
        CheckConstraint("country IN ('SE', 'DK')", name="country_known"),
        # The results dashboard counts organisations new in a period.
        Index("ix_organisations_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), nullable=False, index=True)
    country: Mapped[str] = mapped_column(String(2), nullable=False, default=Country.SE)
    # Normalised digits: 10 for an organisationsnummer, 12 (with century) for a
    # sole trader's personnummer, 8 for a Danish CVR number.
    org_number: Mapped[str] = mapped_column(String(12), nullable=False)
    street_address: Mapped[str] = mapped_column(String(160), nullable=False, default="")
    postal_code: Mapped[str] = mapped_column(String(10), nullable=False, default="")
    city: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    municipality: Mapped[str] = mapped_column(String(80), nullable=False, default="",
                                              index=True)
    size_band: Mapped[str] = mapped_column(String(10), nullable=False, default=SizeBand.MICRO)
    # Ordinary (unsubsidised) employees, as staff last confirmed it: the ratio rule for
    # subsidised placements is checked against it. NULL while unknown.
    ordinary_employees: Mapped[int | None] = mapped_column(Integer)
    phone: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    website: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    description: Mapped[str] = mapped_column(String(2000), nullable=False, default="")
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    sector_rows: Mapped[list[OrganisationSector]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", lazy="selectin"
    )
    memberships = relationship("Membership", back_populates="organisation",
                               cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def sectors(self) -> list[Sector]:
        return sorted((Sector(r.sector) for r in self.sector_rows), key=list(Sector).index)

    @property
    def country_enum(self) -> Country:
        return Country(self.country)

    @property
    def size_band_enum(self) -> SizeBand:
        return SizeBand(self.size_band)

    @property
    def display_number(self) -> str:
        from portal.employers.orgnumber import format_number

        return format_number(self.country, self.org_number)


# The staff inbox sorts requests by organisation name, case-insensitively.
Index("ix_organisations_name_lower", func.lower(Organisation.name))


class OrganisationSector(db.Model):
    __tablename__ = "organisation_sectors"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    sector: Mapped[str] = mapped_column(String(20), primary_key=True, index=True)
    organisation: Mapped[Organisation] = relationship(back_populates="sector_rows")


class Membership(TimestampMixin, db.Model):
    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("user_id", "organisation_id", name="uq_memberships_user_org"),
        Index("ix_memberships_org_status", "organisation_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         nullable=False, index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False
    )
    role: Mapped[str] = mapped_column(String(10), nullable=False, default=OrgRole.MEMBER)
    status: Mapped[str] = mapped_column(String(10), nullable=False,
                                        default=MembershipStatus.ACTIVE)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(TZDateTime())

    user = relationship("User", back_populates="memberships", foreign_keys=[user_id])
    organisation: Mapped[Organisation] = relationship(back_populates="memberships",
                                                      lazy="joined")

    @property
    def is_admin(self) -> bool:
        return self.role == OrgRole.ADMIN and self.status == MembershipStatus.ACTIVE

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE


class Invitation(TimestampMixin, db.Model):
    """A colleague invited by mail; the link carries a token whose hash is stored."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    email: Mapped[str] = mapped_column(String(254), nullable=False, index=True)
    role: Mapped[str] = mapped_column(String(10), nullable=False, default=OrgRole.MEMBER)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
    expires_at: Mapped[datetime] = mapped_column(TZDateTime(), nullable=False)
    accepted_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(TZDateTime())

    organisation: Mapped[Organisation] = relationship(lazy="joined")


class HiringNeed(TimestampMixin, db.Model):
    """A role an organisation needs to fill, now or in the coming year."""

    __tablename__ = "hiring_needs"
    __table_args__ = (
        Index("ix_hiring_needs_org_status", "organisation_id", "status"),
        CheckConstraint("headcount BETWEEN 1 AND 500", name="headcount_range"),
        CheckConstraint("occupation_code <> 'other' OR occupation_other <> ''",
                        name="other_occupation_described"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False)
    # SSYK 2012 unit group, or "other" with occupation_other describing it.
    occupation_code: Mapped[str] = mapped_column(String(5), nullable=False, index=True)
    occupation_other: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    headcount: Mapped[int] = mapped_column(Integer, nullable=False)
    timeframe: Mapped[str] = mapped_column(String(20), nullable=False,
                                           default=NeedTimeframe.NOW)
    employment_form: Mapped[str] = mapped_column(String(20), nullable=False,
                                                 default=EmploymentForm.PERMANENT)
    hours_per_week: Mapped[int | None] = mapped_column(Integer)
    location: Mapped[str] = mapped_column(String(160), nullable=False, default="")
    swedish_level: Mapped[str] = mapped_column(String(10), nullable=False,
                                               default=SwedishLevel.BASIC)
    driving_licence: Mapped[str] = mapped_column(String(4), nullable=False,
                                                 default=DrivingLicence.NONE)
    shift_work: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    physical_demands: Mapped[str] = mapped_column(String(10), nullable=False,
                                                  default=PhysicalDemands.MODERATE)
    other_requirements: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    no_formal_education: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    plus_languages: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    description: Mapped[str] = mapped_column(String(2000), nullable=False, default="")
    status: Mapped[str] = mapped_column(String(10), nullable=False, default=NeedStatus.OPEN)
    status_changed_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
    registered_by_staff: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    organisation: Mapped[Organisation] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def occupation_label(self) -> str:
        from portal.employers import occupations

        return occupations.label(self.occupation_code, self.occupation_other)

    @property
    def status_enum(self) -> NeedStatus:
        return NeedStatus(self.status)

    @property
    def timeframe_enum(self) -> NeedTimeframe:
        return NeedTimeframe(self.timeframe)

    @property
    def employment_form_enum(self) -> EmploymentForm:
        return EmploymentForm(self.employment_form)

    @property
    def swedish_level_enum(self) -> SwedishLevel:
        return SwedishLevel(self.swedish_level)

    @property
    def driving_licence_enum(self) -> DrivingLicence:
        return DrivingLicence(self.driving_licence)

    @property
    def physical_demands_enum(self) -> PhysicalDemands:
        return PhysicalDemands(self.physical_demands)
