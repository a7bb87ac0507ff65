"""Participants: registered, profiled and changed by staff, every change audited."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from stdnum.dk import cpr
from stdnum.se import personnummer

from portal.accounts.models import User
from portal.core import audit
from portal.core.dates import local_today
from portal.core.errors import ConflictError, DomainError
from portal.core.models import utcnow
from portal.core.search import like_pattern
from portal.employers.enums import DrivingLicence, Sector
from portal.extensions import db
from portal.participants.models import Participant, ParticipantSector

FIELDS = ("first_name", "last_name", "case_reference", "email", "phone", "languages",
          "driving_licence", "profile_note", "intake_on", "unit")
TEXT = {"first_name": 80, "last_name": 80, "case_reference": 40, "email": 254, "phone": 40,
        "languages": 200, "profile_note": 1000, "unit": 80}
_DIGITS = re.compile(r"\d")
_WRITTEN_ID = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+]\d{4}(?!\d)")


def looks_like_identity_number(value: str) -> bool:
    """A Swedish personnummer/samordningsnummer or a Danish CPR number, however written."""
    digits = "".join(_DIGITS.findall(value or ""))
    if len(digits) not in (10, 12):
        return False
    return personnummer.is_valid(digits) or (len(digits) == 10 and cpr.is_valid(digits))


def units() -> list[str]:
    """The department's units (PORTAL_UNITS); empty where it has one, and then no
    participant is asked for one."""
    return list(current_app.config.get("PORTAL_UNITS") or [])


def unit_choices(current: str = "") -> list[str]:
    """The units a participant can be given: the configured ones, and the one they have
    even if it is no longer configured (so saving them again keeps it). None configured:
    none, and the form leaves the field out."""
    found = units()
    return [*found, current] if found and current and current not in found else found


def _check_unit(value: str, current: str) -> None:
    configured = units()
    if configured and not value:
        raise DomainError(_("Choose the unit."), "unit")
    if value != current and value not in configured:
        raise DomainError(_("Choose one of the units."), "unit")


def _clean(values: dict) -> dict:
    out = {}
    for name in FIELDS:
        if name not in values:
            continue
        value = values[name]
        if name in TEXT:
            value = (value or "").strip()
            if len(value) > TEXT[name]:
                raise DomainError(_("Use at most %(max)d characters.", max=TEXT[name]), name)
        out[name] = value
    if "email" in out:
        out["email"] = out["email"].lower()
    return out


def _check(values: dict, participant: Participant | None = None) -> None:
    for name, message in (("first_name", _("Enter the first name.")),
                          ("last_name", _("Enter the last name.")),
                          ("case_reference", _("Enter the case reference."))):
        if not values.get(name):
            raise DomainError(message, name)
    # The data minimum: the unit's case reference identifies the person, not an ID number.
    if looks_like_identity_number(values.get("case_reference", "")):
        raise DomainError(_("Do not write a personal identity number here. Use the case "
                            "reference from the case system."), "case_reference")
    # In free text, only numbers written the way identity numbers are (YYMMDD-NNNN):
    # a phone number's digits can pass the same checksum.
    for name in ("languages", "profile_note"):
        if any(looks_like_identity_number(m) for m in _WRITTEN_ID.findall(
                values.get(name, ""))):
            raise DomainError(_("Do not write a personal identity number here. Use the "
                                "case reference from the case system."), name)
    if values.get("driving_licence") not in set(DrivingLicence):
        raise DomainError(_("Choose the driving licence."), "driving_licence")
    intake = values.get("intake_on")
    if not isinstance(intake, date):
        raise DomainError(_("Enter the intake date."), "intake_on")
    if intake > local_today():
        raise DomainError(_("The intake date cannot be in the future."), "intake_on")
    _check_unit(values.get("unit") or "", participant.unit if participant else "")
    taken = db.session.scalar(select(Participant.id).where(
        func.lower(Participant.case_reference) == values["case_reference"].lower()))
    if taken is not None and (participant is None or taken != participant.id):
        raise DomainError(_("Another participant has this case reference."), "case_reference")


def _sectors(values) -> list[str]:
    chosen = set(values or ())
    return [s.value for s in Sector if s.value in chosen]


def create(*, values: dict, sectors, actor: User) -> Participant:
    if not actor.is_staff:
        raise DomainError(_("Only staff register participants."))
    clean = _clean(values)
    if clean.get("intake_on") is None:
        clean["intake_on"] = local_today()  # registered at the first meeting
    _check(clean)
    participant = Participant(created_by_id=actor.id, **clean)
    participant.sector_rows = [ParticipantSector(sector=s) for s in _sectors(sectors)]
    db.session.add(participant)
    db.session.flush()
    # The audit keeps that and by whom, not the personal data itself.
    audit.record("participant.created", participant, actor=actor,
                 changes={"sectors": _sectors(sectors),
                          **({"unit": participant.unit} if participant.unit else {})})
    return participant


def update(participant: Participant, *, values: dict, sectors, actor: User,
           expected_version: int | None) -> list[str]:
    """Save changes; returns the names of the fields that changed (also audited)."""
    if expected_version is not None and expected_version != participant.version_id:
        raise ConflictError(_("Someone else changed this participant while you had the page "
                              "open. Their version is shown; make your changes again."))
    clean = _clean(values)
    _check({**{k: getattr(participant, k) for k in FIELDS}, **clean}, participant)
    changed = audit.diff(participant, clean)
    before = _sectors(r.sector for r in participant.sector_rows)  # in the same order
    after = _sectors(sectors)
    if before != after:
        participant.sector_rows = [ParticipantSector(sector=s) for s in after]
    audited = {}
    for key, (old, new) in changed.items():
        # Contact details are personal data: the trail says they changed, not to what.
        audited[key] = (old, new) if key in ("driving_licence", "intake_on", "unit") \
            else ("…", "…")
    if before != after:
        audited["sectors"] = (before, after)
    if audited:
        participant.updated_at = utcnow()  # a sectors-only change bumps the version too
        audit.record("participant.updated", participant, actor=actor, changes=audited)
        db.session.flush()
    return sorted(audited)


@dataclass
class Filters:
    q: str = ""
    sector: str | None = None
    unit: str | None = None
    page: int = 1

    @classmethod
    def from_args(cls, args, units=()) -> Filters:
        """``units``: the configured units, the only ones the list filters by."""
        q = "".join(ch for ch in (args.get("q") or "") if ch.isprintable()).strip()[:100]
        sector, page = args.get("sector") or None, args.get("page", "")
        unit = args.get("unit") or None
        return cls(q=q, sector=sector if sector in set(Sector) else None,
                   unit=unit if unit in set(units) else None,
                   page=max(1, int(page)) if page.isdecimal() and len(page) < 7 else 1)

    def args(self, **over) -> dict:
        out = {"q": self.q, "sector": self.sector, "unit": self.unit, **over}
        return {k: v for k, v in out.items() if v}


def search(filters: Filters, per_page: int):
    query = select(Participant)
    if filters.q:
        like = like_pattern(filters.q)
        name = Participant.first_name + " " + Participant.last_name
        query = query.where(or_(name.ilike(like, escape="\\"),
                                Participant.case_reference.ilike(like, escape="\\"),
                                Participant.email.ilike(like, escape="\\")))
    if filters.sector:
        query = query.where(Participant.id.in_(select(ParticipantSector.participant_id).where(
            ParticipantSector.sector == filters.sector)))
    if filters.unit:
        query = query.where(Participant.unit == filters.unit)
    query = query.order_by(Participant.last_name, Participant.first_name, Participant.id)
    return db.paginate(query, page=filters.page, per_page=per_page, error_out=False)


def history(participant: Participant) -> list:
    return audit.trail(participant)


def enrolments(participant: Participant) -> list:
    """The participant's places on courses, newest first, with each course loaded."""
    from sqlalchemy.orm import joinedload

    from portal.training.models import Enrolment

    return list(db.session.scalars(
        select(Enrolment).options(joinedload(Enrolment.cohort))
        .where(Enrolment.participant_id == participant.id)
        .order_by(Enrolment.queued_at.desc(), Enrolment.id.desc())))


def fitting(sector: str, limit: int = 30) -> list[Participant]:
    """Participants whose sector profile includes ``sector`` and who are not on an open
    course already (enrolled, offered a seat or waiting): the people to ask first,
    longest registered first."""
    from portal.training.enums import ACTIVE_ENROLMENT, OPEN_COHORT_STATES
    from portal.training.models import Cohort, Enrolment

    busy = (select(Enrolment.participant_id)
            .join(Cohort, Cohort.id == Enrolment.cohort_id)
            .where(Enrolment.status.in_([s.value for s in ACTIVE_ENROLMENT]),
                   Cohort.state.in_([s.value for s in OPEN_COHORT_STATES])))
    return list(db.session.scalars(
        select(Participant)
        .where(Participant.id.in_(select(ParticipantSector.participant_id).where(
            ParticipantSector.sector == sector)),
            Participant.id.not_in(busy))
        .order_by(Participant.created_at, Participant.id).limit(limit)))


def invitations(participant: Participant) -> list:
    """The recruitment events the participant was invited to, newest first."""
    from sqlalchemy.orm import joinedload

    from portal.events.models import EventInvitation, RecruitmentEvent

    return list(db.session.scalars(
        select(EventInvitation).options(joinedload(EventInvitation.event))
        .join(RecruitmentEvent, RecruitmentEvent.id == EventInvitation.event_id)
        .where(EventInvitation.participant_id == participant.id)
        .order_by(RecruitmentEvent.event_date.desc(), EventInvitation.id.desc())))
