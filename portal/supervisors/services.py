"""Workplace supervisors ("handledare"): the public sign-up, an employer admin registering a
colleague, confirmation by mail, staff decisions, the supervisor's own profile, and the
staff register.

The life cycle is TRANSITIONS and ``transition()``; apart from creation (unconfirmed) and
``confirm()`` (unconfirmed -> pending, proven by the mailed link), nothing else assigns
``Supervisor.status``. Services flush, never commit. Every change is audited under the
profile (object type ``supervisors``); the trail says that contact details changed, not
to what.

Personal data stays minimal and with staff: an employer admin sees only the name, status
and training of their own organisation's supervisors (``for_organisation``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import case, func, or_, select
from sqlalchemy.exc import IntegrityError

from portal.accounts import services as accounts
from portal.accounts import tokens
from portal.accounts.enums import Role
from portal.accounts.models import User
from portal.core import audit
from portal.core.errors import ConflictError, DomainError
from portal.core.mail import queue_mail
from portal.core.models import utcnow
from portal.core.pages import Page
from portal.core.search import like_pattern
from portal.employers import orgnumber
from portal.employers.enums import Sector
from portal.employers.models import Organisation
from portal.extensions import db
from portal.placements.enums import COMMITTED_STATES
from portal.placements.models import Placement
from portal.supervisors.enums import SupervisorStatus
from portal.supervisors.models import Supervisor, SupervisorAvailability, SupervisorSector

ST = SupervisorStatus
TEXT = {"full_name": 120, "phone": 40, "department": 160, "municipality": 80,
        "job_title": 120, "tasks": 1000, "languages": 200}
# Free text where a personal identity number has no business.
FREE_TEXT = ("job_title", "tasks", "languages", "department")
CAPACITY_MIN, CAPACITY_MAX = 1, 10
MAX_PERIODS = 3
REASON_MAX = 1000

# (from, to): staff decide on a confirmed profile, and may deactivate and reactivate an
# approved one. Declining and deactivating need a reason.
TRANSITIONS = {(ST.PENDING, ST.APPROVED), (ST.PENDING, ST.DECLINED),
               (ST.APPROVED, ST.DEACTIVATED), (ST.DEACTIVATED, ST.APPROVED)}
NEEDS_REASON = frozenset({ST.DECLINED, ST.DEACTIVATED})

# Numbers written the way identity numbers are (YYMMDD-NNNN, YYYYMMDD-NNNN); as in the
# participants' free text, a phone number's bare digits can pass the same checksum.
_WRITTEN_ID = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+]\d{4}(?!\d)")


@dataclass(frozen=True)
class Period:
    """A period the supervisor can take someone; no end means until further notice."""

    starts_on: date
    ends_on: date | None = None

    def __str__(self) -> str:
        return f"{self.starts_on.isoformat()}–{self.ends_on.isoformat() if self.ends_on else ''}"


# --- checks ----------------------------------------------------------------------------------

def _has_identity_number(text: str) -> bool:
    from portal.participants.services import looks_like_identity_number

    return any(looks_like_identity_number(m) for m in _WRITTEN_ID.findall(text or ""))


def _clean(values: dict) -> dict:
    out = {}
    for name, value in values.items():
        if name in TEXT:
            value = (value or "").strip() if isinstance(value, str) else ""
            if len(value) > TEXT[name]:
                raise DomainError(_("Use at most %(max)d characters.", max=TEXT[name]), name)
            if name in FREE_TEXT and _has_identity_number(value):
                raise DomainError(_("Do not write a personal identity number here."), name)
        out[name] = value
    return out


def _check_required(values: dict) -> None:
    messages = {"full_name": _("Enter your name."),
                "phone": _("Enter a phone number."),
                "job_title": _("Enter the job title or role."),
                "tasks": _("Describe the tasks you can supervise.")}
    for name, message in messages.items():
        if name in values and not values[name]:
            raise DomainError(message, name)
    if "capacity" in values:
        capacity = values["capacity"]
        if not isinstance(capacity, int) or isinstance(capacity, bool) \
                or not CAPACITY_MIN <= capacity <= CAPACITY_MAX:
            raise DomainError(_("Enter a number from %(low)d to %(high)d.", low=CAPACITY_MIN,
                                high=CAPACITY_MAX), "capacity")


def _sectors(chosen) -> list[str]:
    wanted = {str(s) for s in chosen or ()}
    if not wanted:
        raise DomainError(_("Choose at least one sector."), "sectors")
    if not wanted <= {s.value for s in Sector}:
        raise DomainError(_("Choose among the sectors shown."), "sectors")
    return [s.value for s in Sector if s.value in wanted]


def _periods(periods) -> list[Period]:
    found = set(periods or ())
    if not found:
        raise DomainError(_("Give at least one period when you can take someone."),
                          "period1_from")
    if len(found) > MAX_PERIODS:
        raise DomainError(_("Give at most %(num)d periods.", num=MAX_PERIODS), "period1_from")
    for p in found:
        if not isinstance(p.starts_on, date) or (p.ends_on is not None
                                                   and p.ends_on < p.starts_on):
            raise DomainError(_("A period must end on or after the day it starts."),
                              "period1_to")
    return sorted(found, key=lambda p: (p.starts_on, p.ends_on or date.max))


def sector_names(codes) -> str:
    """The sectors' names, in the list's order, for a page."""
    chosen = set(codes)
    return ", ".join(s.label for s in Sector if s.value in chosen)


def _set_sectors(supervisor: Supervisor, sectors: list[str]) -> None:
    have = {row.sector for row in supervisor.sector_rows}
    supervisor.sector_rows = [row for row in supervisor.sector_rows if row.sector in sectors]
    supervisor.sector_rows.extend(SupervisorSector(sector=s) for s in sectors if s not in have)


def periods_of(supervisor: Supervisor) -> list[Period]:
    return [Period(row.starts_on, row.ends_on) for row in supervisor.availability]


def _set_periods(supervisor: Supervisor, periods: list[Period]) -> None:
    supervisor.availability = [SupervisorAvailability(starts_on=p.starts_on, ends_on=p.ends_on)
                               for p in periods]


def _lock(supervisor_id: int) -> Supervisor:
    """The profile, locked for this transaction (SELECT … FOR UPDATE; a no-op on SQLite) and
    read afresh, so two staff deciding at once meet the version check, not a stale write."""
    found = db.session.scalar(select(Supervisor).where(Supervisor.id == supervisor_id)
                              .with_for_update(of=Supervisor)
                              .execution_options(populate_existing=True))
    if found is None:
        raise DomainError(_("The supervisor profile no longer exists."))
    return found


def check_version(supervisor: Supervisor, expected: int | None) -> None:
    if expected is not None and expected != supervisor.version_id:
        raise ConflictError(_("Someone else changed this supervisor profile while you had the "
                              "page open. The page now shows their change; look it over and "
                              "try again if it is still needed."))


def by_email(email: str) -> Supervisor | None:
    return db.session.scalar(select(Supervisor).where(
        Supervisor.email == accounts.normalize_email(email)))


def get(supervisor_id: int) -> Supervisor | None:
    return db.session.get(Supervisor, supervisor_id)


def find_organisation(raw_number: str) -> Organisation | None:
    """The organisation in the portal with this number: a Swedish organisation number
    (or a sole trader's personnummer) or a Danish CVR number, however it is written."""
    for country in ("SE", "DK"):
        try:
            parsed = orgnumber.parse(country, raw_number or "")
        except (orgnumber.InvalidNumber, ValueError):
            continue
        found = db.session.scalar(select(Organisation).where(
            Organisation.country == parsed.country, Organisation.org_number == parsed.number))
        if found is not None:
            return found
    return None


# --- mail --------------------------------------------------------------------------------

def mail_locale(supervisor: Supervisor) -> str:
    """The language to write to the supervisor in: their account's once linked, else the
    one the profile was made in."""
    if supervisor.user_id is not None and supervisor.user is not None:
        return supervisor.user.locale
    return supervisor.locale


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"],
                                  salt="portal.supervisor-confirm")


def _fingerprint(supervisor: Supervisor) -> str:
    # The status is in it, so the link stops working once the profile is confirmed.
    state = f"{supervisor.email}|{supervisor.status}|{supervisor.confirmed_at}"
    return hashlib.sha256(state.encode()).hexdigest()[:20]


def confirm_token(supervisor: Supervisor) -> str:
    return _serializer().dumps({"s": supervisor.id, "f": _fingerprint(supervisor)})


def load_token(token: str) -> Supervisor:
    """The unconfirmed profile a confirmation link is for; raises tokens.TokenExpired or
    tokens.TokenInvalid (a used, tampered or unknown link)."""
    if not token or len(token) > 500:
        raise tokens.TokenInvalid
    try:
        data = _serializer().loads(token, max_age=current_app.config["CONFIRM_TOKEN_MAX_AGE"])
    except SignatureExpired as exc:
        raise tokens.TokenExpired from exc
    except BadSignature as exc:
        raise tokens.TokenInvalid from exc
    if not isinstance(data, dict) or not isinstance(data.get("s"), int) \
            or isinstance(data.get("s"), bool) or not 0 < data["s"] < 2**31:
        raise tokens.TokenInvalid
    supervisor = db.session.get(Supervisor, data["s"])
    if supervisor is None or supervisor.status != ST.UNCONFIRMED or not hmac.compare_digest(
            str(data.get("f")), _fingerprint(supervisor)):
        raise tokens.TokenInvalid
    return supervisor


def _confirm_link(supervisor: Supervisor) -> str:
    return accounts.external_url("supervisors.confirm", token=confirm_token(supervisor))


def _mail_already_registered(existing: Supervisor, *, locale: str,
                             organisation: Organisation | None = None) -> None:
    """Someone gave an address that has a profile already: tell the address, not the page.
    An unconfirmed profile gets a fresh confirmation link with it."""
    link = _confirm_link(existing) if existing.status == ST.UNCONFIRMED else None
    queue_mail("supervisor_already_registered", existing.email, locale, related=existing,
               supervisor=existing, link=link, organisation=organisation,
               login_link=accounts.external_url("accounts.login"))


# --- creating a profile ------------------------------------------------------------------

def _new_profile(*, email: str, values: dict, sectors, periods, organisation, department: str,
                 municipality: str, registered_by: User | None,
                 locale: str) -> Supervisor | None:
    """Add the profile; None if another request took the address a moment before."""
    supervisor = Supervisor(
        email=email, organisation_id=organisation.id if organisation is not None else None,
        department="" if organisation is not None else department,
        municipality=organisation.municipality if organisation is not None else municipality,
        # The public sign-up consents on the form; a colleague consents when confirming.
        consent_at=utcnow() if registered_by is None else None, status=ST.UNCONFIRMED,
        locale=locale,
        registered_by_id=registered_by.id if registered_by is not None else None, **values)
    _set_sectors(supervisor, sectors)
    _set_periods(supervisor, periods)
    try:
        with db.session.begin_nested():
            db.session.add(supervisor)
            db.session.flush()
    except IntegrityError:
        return None
    return supervisor


def _profile_values(profile: dict, names) -> dict:
    values = _clean({name: profile.get(name) for name in names})
    _check_required(values)
    return values


PROFILE_FIELDS = ("full_name", "phone", "job_title", "tasks", "languages", "capacity")


def sign_up(*, profile: dict, sectors, periods, email: str, org_number: str = "",
            department: str = "", municipality: str = "", locale: str = "sv"
            ) -> Supervisor | None:
    """The public sign-up: a new unconfirmed profile and a mail to confirm the address.

    The workplace is an organisation in the portal (by its number) or a municipal
    department with its municipality. An address that has a profile already gets a note
    by mail instead, and None is returned: the page says the same either way.
    """
    email = accounts.normalize_email(email)
    if not email or len(email) > 254:
        raise DomainError(_("Enter your e-mail address."), "email")
    values = _profile_values(profile, PROFILE_FIELDS)
    chosen_sectors, chosen_periods = _sectors(sectors), _periods(periods)
    organisation = None
    place = _clean({"department": department, "municipality": municipality})
    if org_number:
        organisation = find_organisation(org_number)
        if organisation is None:
            raise DomainError(_("No employer with this organisation number is registered in "
                                "the portal. Check the number, or choose a municipal "
                                "department."), "org_number")
    else:
        if not place["department"]:
            raise DomainError(_("Enter the department you work at."), "department")
        if not place["municipality"]:
            raise DomainError(_("Enter the department's municipality."), "municipality")
    existing = by_email(email)
    if existing is None:
        supervisor = _new_profile(email=email, values=values, sectors=chosen_sectors,
                                  periods=chosen_periods, organisation=organisation,
                                  department=place["department"],
                                  municipality=place["municipality"], registered_by=None,
                                  locale=locale)
        if supervisor is None:
            existing = by_email(email)
    if existing is not None:
        _mail_already_registered(existing, locale=locale)
        return None
    audit.record("supervisor.signed_up", supervisor, actor=None, changes={
        "locale": locale, "sectors": chosen_sectors, "capacity": supervisor.capacity,
        "organisation_id": supervisor.organisation_id})
    queue_mail("supervisor_confirm", supervisor.email, locale, related=supervisor,
               supervisor=supervisor, link=_confirm_link(supervisor))
    return supervisor


def register_colleague(org: Organisation, *, profile: dict, sectors, periods, email: str,
                       actor: User, locale: str = "sv") -> Supervisor | None:
    """An employer admin registers a colleague at ``org``: unconfirmed until the colleague
    follows the mailed link and gives their own consent there.

    An address with a profile at another workplace gets a note by mail and None is
    returned, so the admin learns nothing about other organisations' people."""
    from portal.employers.permissions import can_manage_members

    if not can_manage_members(actor, org):
        raise DomainError(_("Only the organisation's administrators register supervisors."))
    email = accounts.normalize_email(email)
    if not email or len(email) > 254:
        raise DomainError(_("Enter your colleague's e-mail address."), "email")
    values = _profile_values(profile, PROFILE_FIELDS)
    chosen_sectors, chosen_periods = _sectors(sectors), _periods(periods)
    existing = by_email(email)
    if existing is None:
        supervisor = _new_profile(email=email, values=values, sectors=chosen_sectors,
                                  periods=chosen_periods, organisation=org, department="",
                                  municipality="", registered_by=actor, locale=locale)
        if supervisor is None:
            existing = by_email(email)
    if existing is not None:
        if existing.organisation_id == org.id:
            raise DomainError(_("This colleague is already registered as a supervisor: see "
                                "the list."), "email")
        _mail_already_registered(existing, locale=locale, organisation=org)
        return None
    audit.record("supervisor.registered", supervisor, actor=actor, changes={
        "locale": locale, "sectors": chosen_sectors, "capacity": supervisor.capacity,
        "organisation_id": org.id})
    queue_mail("supervisor_colleague_confirm", supervisor.email, locale, related=supervisor,
               supervisor=supervisor, organisation=org, registered_by=actor,
               link=_confirm_link(supervisor))
    return supervisor


def needs_consent(supervisor: Supervisor) -> bool:
    """A colleague's profile: the person consents when they confirm."""
    return supervisor.registered_by_id is not None


def confirm(token: str, *, consent: bool = False) -> Supervisor:
    """The mailed link followed: unconfirmed -> pending, for staff to decide.

    Raises tokens.TokenInvalid/TokenExpired, or DomainError (field ``consent``) when a
    colleague-registered person has not consented."""
    found = load_token(token)
    supervisor = _lock(found.id)
    if supervisor.status != ST.UNCONFIRMED:  # confirmed by another request meanwhile
        raise tokens.TokenInvalid
    if needs_consent(supervisor) and not consent:
        raise DomainError(_("Tick the box to agree to how your details are used."), "consent")
    now = utcnow()
    changes = {"status": (ST.UNCONFIRMED.value, ST.PENDING.value)}
    supervisor.status = ST.PENDING
    supervisor.confirmed_at = now
    if needs_consent(supervisor):
        supervisor.consent_at = now
        changes["consent_at"] = now.isoformat(timespec="seconds")
    audit.record("supervisor.confirmed", supervisor, actor=None, changes=changes)
    db.session.flush()
    return supervisor


# --- staff decide ------------------------------------------------------------------------

def allowed_moves(supervisor: Supervisor) -> list[SupervisorStatus]:
    return [to for to in SupervisorStatus if (supervisor.status_enum, to) in TRANSITIONS]


def transition(supervisor: Supervisor, to: SupervisorStatus, *, actor: User, reason: str = "",
               expected_version: int | None = None) -> Supervisor:
    """Approve, decline, deactivate or reactivate, version-checked and audited.

    Approving (and reactivating) gives the supervisor an account to log in with: the one
    that has their address, or a new supervisor account whose first password is set from
    a mailed link. Declining mails the reason."""
    if not actor.is_staff:
        raise DomainError(_("Only staff decide on supervisors."))
    supervisor = _lock(supervisor.id)
    check_version(supervisor, expected_version)
    before = supervisor.status_enum
    if (before, to) not in TRANSITIONS:
        raise DomainError(_("A supervisor who is “%(status)s” cannot be moved to “%(to)s”.",
                            status=before.label, to=to.label))
    reason = (reason or "").strip()
    if to in NEEDS_REASON and not reason:
        raise DomainError(_("Give the reason."), "reason")
    if len(reason) > REASON_MAX:
        raise DomainError(_("Use at most %(max)d characters.", max=REASON_MAX), "reason")
    changes: dict = {"status": (before.value, to.value)}
    if reason:
        changes["reason"] = reason
    supervisor.status = to
    supervisor.decided_at = utcnow()
    supervisor.decided_by_id = actor.id
    if to == ST.DECLINED:
        supervisor.decline_reason = reason
    elif to == ST.DEACTIVATED:
        supervisor.deactivate_reason = reason
    if to == ST.APPROVED:
        _give_access(supervisor, actor=actor, changes=changes)
    audit.record("supervisor.status_changed", supervisor, actor=actor, changes=changes)
    db.session.flush()
    if to == ST.DECLINED:
        queue_mail("supervisor_declined", supervisor.email, mail_locale(supervisor),
                   related=supervisor, supervisor=supervisor, reason=reason)
    return supervisor


def _give_access(supervisor: Supervisor, *, actor: User, changes: dict) -> None:
    """Link the account with the supervisor's address (making one if there is none) and
    mail them: a link to set the first password, or to their page."""
    user = supervisor.user if supervisor.user_id is not None else None
    if user is None:
        user = accounts.get_by_email(supervisor.email)
        if user is not None:
            linked = db.session.scalar(select(Supervisor.id).where(
                Supervisor.user_id == user.id, Supervisor.id != supervisor.id))
            if linked is not None:
                raise DomainError(_("The account with this address belongs to another "
                                    "supervisor profile."))
            changes["account"] = "linked"
        else:
            user = accounts.create_user(
                email=supervisor.email, full_name=supervisor.full_name, password=None,
                role=Role.SUPERVISOR, locale=mail_locale(supervisor), confirmed=True,
                actor=actor)
            changes["account"] = "created"
        supervisor.user_id = user.id
        supervisor.user = user
    if user.password_hash is None:
        # No password yet: the link is a password-reset token that sets the first one.
        token = tokens.make(tokens.RESET, user)
        queue_mail("supervisor_welcome", user.email, user.locale, related=supervisor,
                   user=user, supervisor=supervisor,
                   link=accounts.external_url("accounts.reset_password", token=token))
    else:
        queue_mail("supervisor_page_ready", user.email, user.locale, related=supervisor,
                   user=user, supervisor=supervisor,
                   link=accounts.external_url("supervisors.home"))


# --- the supervisor's own profile --------------------------------------------------------

OWN_FIELDS = ("phone", "tasks", "languages", "capacity")


def committed_count(supervisor: Supervisor) -> int:
    """Placements agreed or under way with this supervisor: they hold a place."""
    return db.session.scalar(select(func.count()).select_from(Placement).where(
        Placement.supervisor_id == supervisor.id,
        Placement.state.in_([s.value for s in COMMITTED_STATES]))) or 0


def update_profile(supervisor: Supervisor, *, values: dict, periods, actor: User,
                   expected_version: int | None) -> list[str]:
    """The supervisor changes their phone, tasks, languages, capacity and availability;
    returns the names of what changed (also audited; the phone number itself is not)."""
    if not (actor.is_staff or (supervisor.user_id is not None
                               and supervisor.user_id == actor.id)):
        raise DomainError(_("Only the supervisor changes their profile."))
    supervisor = _lock(supervisor.id)
    check_version(supervisor, expected_version)
    clean = _profile_values(values, OWN_FIELDS)
    chosen = _periods(periods)
    busy = committed_count(supervisor)
    if "capacity" in clean and clean["capacity"] < busy:
        raise DomainError(_("You have %(num)d placements agreed or under way: the number "
                            "cannot be lower than that.", num=busy), "capacity")
    changed = audit.diff(supervisor, clean)
    audited = {key: (("…", "…") if key == "phone" else pair) for key, pair in changed.items()}
    before = periods_of(supervisor)
    if before != chosen:
        _set_periods(supervisor, chosen)
        audited["availability"] = ([str(p) for p in before], [str(p) for p in chosen])
    if audited:
        supervisor.updated_at = utcnow()  # a periods-only change bumps the version too
        audit.record("supervisor.profile_updated", supervisor, actor=actor, changes=audited)
        db.session.flush()
    return sorted(audited)


# --- lists --------------------------------------------------------------------------------

def committed_subquery():
    """Per supervisor, the placements that hold a place (agreed or active): one grouped
    subquery the register joins, not a count per row."""
    return (select(Placement.supervisor_id.label("supervisor_id"),
                   func.count().label("committed"))
            .where(Placement.supervisor_id.is_not(None),
                   Placement.state.in_([s.value for s in COMMITTED_STATES]))
            .group_by(Placement.supervisor_id)
            .subquery("committed_placements"))


def free_capacity(supervisor: Supervisor) -> int:
    return supervisor.capacity - committed_count(supervisor)


YES_NO = ("yes", "no")


def _printable(value, limit: int) -> str:
    if not isinstance(value, str):
        return ""
    return "".join(ch for ch in value if ch.isprintable()).strip()[:limit]


@dataclass
class Filters:
    status: str | None = None
    sector: str | None = None
    municipality: str = ""
    trained: str | None = None  # yes / no
    free: str | None = None  # free capacity now: yes / no
    language: str = ""
    q: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args) -> Filters:
        status, sector = args.get("status") or None, args.get("sector") or None
        trained, free = args.get("trained") or None, args.get("free") or None
        page = args.get("page", "")
        return cls(status=status if status in set(SupervisorStatus) else None,
                   sector=sector if sector in set(Sector) else None,
                   municipality=_printable(args.get("municipality"), 80),
                   trained=trained if trained in YES_NO else None,
                   free=free if free in YES_NO else None,
                   language=_printable(args.get("language"), 60),
                   q=_printable(args.get("q"), 100),
                   page=max(1, int(page)) if page.isdecimal() and len(page) < 7 else 1)

    def args(self, **over) -> dict:
        out = {"status": self.status, "sector": self.sector, "municipality": self.municipality,
               "trained": self.trained, "free": self.free, "language": self.language,
               "q": self.q, **over}
        return {k: v for k, v in out.items() if v}


def register(filters: Filters, per_page: int) -> Page:
    """The staff register: pending profiles first, then by name; each row with its free
    places now (capacity minus placements agreed or active). Two queries in all."""
    committed = committed_subquery()
    free = Supervisor.capacity - func.coalesce(committed.c.committed, 0)
    query = (select(Supervisor, free.label("free"))
             .outerjoin(committed, committed.c.supervisor_id == Supervisor.id))
    if filters.status:
        query = query.where(Supervisor.status == filters.status)
    if filters.sector:
        query = query.where(Supervisor.id.in_(select(SupervisorSector.supervisor_id).where(
            SupervisorSector.sector == filters.sector)))
    if filters.municipality:
        query = query.where(func.lower(Supervisor.municipality)
                            == filters.municipality.lower())
    if filters.trained == "yes":
        query = query.where(Supervisor.trained_on.is_not(None))
    elif filters.trained == "no":
        query = query.where(Supervisor.trained_on.is_(None))
    if filters.free == "yes":
        query = query.where(free > 0)
    elif filters.free == "no":
        query = query.where(free <= 0)
    if filters.language:
        query = query.where(Supervisor.languages.ilike(like_pattern(filters.language),
                                                       escape="\\"))
    if filters.q:
        like = like_pattern(filters.q)
        query = query.where(or_(Supervisor.full_name.ilike(like, escape="\\"),
                                Supervisor.email.ilike(like, escape="\\")))
    total = db.session.scalar(select(func.count()).select_from(
        query.order_by(None).subquery())) or 0
    ordered = query.order_by(case((Supervisor.status == ST.PENDING, 0), else_=1),
                             func.lower(Supervisor.full_name), Supervisor.id)
    rows = db.session.execute(ordered.limit(per_page)
                              .offset((filters.page - 1) * per_page)).all()
    return Page(items=[(row[0], row[1]) for row in rows], total=total, page=filters.page,
                per_page=per_page)


def municipalities() -> list[str]:
    """The municipalities supervisors work in, for the register's filter."""
    return list(db.session.scalars(select(Supervisor.municipality).where(
        Supervisor.municipality != "").distinct().order_by(Supervisor.municipality)))


def for_organisation(org: Organisation) -> list[Supervisor]:
    """An organisation's supervisors, for its admins: they see name, status and training."""
    return list(db.session.scalars(select(Supervisor).where(
        Supervisor.organisation_id == org.id).order_by(func.lower(Supervisor.full_name),
                                                       Supervisor.id)))


def history(supervisor: Supervisor) -> list:
    return audit.trail(supervisor)
