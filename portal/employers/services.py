"""Organisations, memberships, joining and invitations."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from portal.accounts import services as accounts
from portal.accounts.enums import Role
from portal.accounts.models import User
from portal.accounts.tokens import hash_token
from portal.core import audit
from portal.core.errors import ConflictError, DomainError
from portal.core.mail import queue_mail
from portal.core.models import utcnow
from portal.employers import orgnumber
from portal.employers.enums import MembershipStatus, OrgRole, Sector
from portal.employers.models import Invitation, Membership, Organisation, OrganisationSector
from portal.extensions import db

PROFILE_FIELDS = ("name", "street_address", "postal_code", "city", "municipality",
                  "size_band", "phone", "website", "description")


@dataclass
class NewUser:
    email: str
    full_name: str
    password: str
    locale: str = "sv"


def find_by_number(country: str, raw_number: str) -> Organisation | None:
    try:
        parsed = orgnumber.parse(country, raw_number)
    except orgnumber.InvalidNumber:
        return None
    return db.session.scalar(select(Organisation).where(
        Organisation.country == parsed.country, Organisation.org_number == parsed.number))


def _set_sectors(org: Organisation, sectors: list[str]) -> tuple[list[str], list[str]]:
    before = sorted(r.sector for r in org.sector_rows)
    wanted = sorted({Sector(s).value for s in sectors})
    if before != wanted:
        org.sector_rows = [r for r in org.sector_rows if r.sector in wanted]
        have = {r.sector for r in org.sector_rows}
        org.sector_rows.extend(OrganisationSector(sector=s) for s in wanted if s not in have)
    return before, wanted


def register_organisation(*, country: str, org_number: str, profile: dict,
                          sectors: list[str], user: NewUser) -> tuple[Organisation, User]:
    """A new organisation and its first user, who becomes its admin."""
    try:
        parsed = orgnumber.parse(country, org_number)
    except orgnumber.InvalidNumber as exc:
        raise DomainError(_("This is not a valid organisation number."),
                          field="org_number") from exc
    if find_by_number(country, org_number) is not None:
        raise DomainError(_("This organisation is already registered."), field="org_number")
    new_user = accounts.create_user(email=user.email, full_name=user.full_name,
                                    password=user.password, locale=user.locale)
    org = Organisation(country=parsed.country, org_number=parsed.number,
                       **{k: (profile.get(k) or "").strip() for k in PROFILE_FIELDS})
    _set_sectors(org, sectors)
    db.session.add(org)
    db.session.flush()
    db.session.add(Membership(user_id=new_user.id, organisation_id=org.id, role=OrgRole.ADMIN,
                              status=MembershipStatus.ACTIVE))
    audit.record("organisation.registered", org, actor=new_user,
                 changes={"name": org.name, "org_number": org.org_number})
    accounts.send_confirmation(new_user)
    db.session.flush()
    return org, new_user


def admins_of(org: Organisation) -> list[User]:
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id).where(
            Membership.organisation_id == org.id,
            Membership.role == OrgRole.ADMIN,
            Membership.status == MembershipStatus.ACTIVE,
            User.active.is_(True),
        ).order_by(User.id)
    ))


def active_users(org: Organisation) -> list[User]:
    """The organisation's active users: its contacts for mail about its needs and requests."""
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id).where(
            Membership.organisation_id == org.id,
            Membership.status == MembershipStatus.ACTIVE,
            User.active.is_(True),
        ).order_by(User.id)))


def request_to_join(org: Organisation, user: NewUser) -> User:
    """Someone registering an already known number asks to join it."""
    new_user = accounts.create_user(email=user.email, full_name=user.full_name,
                                    password=user.password, locale=user.locale)
    membership = Membership(user_id=new_user.id, organisation_id=org.id, role=OrgRole.MEMBER,
                            status=MembershipStatus.PENDING)
    db.session.add(membership)
    db.session.flush()
    audit.record("membership.requested", membership, actor=new_user,
                 changes={"organisation_id": org.id})
    accounts.send_confirmation(new_user)
    link = accounts.external_url("employers.members", org_id=org.id)
    for admin in admins_of(org):
        queue_mail("join_requested", admin.email, admin.locale, admin=admin, requester=new_user,
                   organisation=org, link=link)
    return new_user


def decide_join(membership: Membership, approve: bool, *, actor: User) -> None:
    if membership.status != MembershipStatus.PENDING:
        raise DomainError(_("This request has already been decided."))
    before = membership.status
    membership.status = MembershipStatus.ACTIVE if approve else MembershipStatus.DECLINED
    membership.decided_by_id = actor.id
    membership.decided_at = utcnow()
    audit.record("membership.approved" if approve else "membership.declined", membership,
                 actor=actor, changes={"status": (before, membership.status)})
    org = membership.organisation
    requester = membership.user
    queue_mail("join_decided", requester.email, requester.locale, user=requester,
               organisation=org, approved=approve,
               link=accounts.external_url("accounts.login"))
    queue_mail("join_decided_admin", actor.email, actor.locale, admin=actor, requester=requester,
               organisation=org, approved=approve)
    db.session.flush()


def update_profile(org: Organisation, *, values: dict, sectors: list[str], expected_version: int,
                   actor: User) -> None:
    if expected_version != org.version_id:
        raise ConflictError(_("Someone else saved this profile while you were editing it. "
                              "Their changes are shown below; make yours again and save."))
    changes = audit.diff(org, {k: (values.get(k) or "").strip() for k in PROFILE_FIELDS})
    before, after = _set_sectors(org, sectors)
    if before != after:
        changes["sectors"] = (before, after)
        # A change only in the sector rows must still bump the version.
        org.updated_at = utcnow()
    if changes:
        audit.record("organisation.updated", org, actor=actor, changes=changes)
        db.session.flush()


def membership_of(user: User, org_id: int) -> Membership | None:
    for m in user.memberships:
        if m.organisation_id == org_id:
            return m
    return None


def primary_membership(user: User) -> Membership | None:
    """The membership an employer user works under (active first, then pending)."""
    order = {MembershipStatus.ACTIVE: 0, MembershipStatus.PENDING: 1}
    candidates = [m for m in user.memberships if m.status in order]
    candidates.sort(key=lambda m: (order[m.status], m.id))
    return candidates[0] if candidates else None


def invite(org: Organisation, *, email: str, role: OrgRole, actor: User,
           locale: str = "sv") -> Invitation:
    email = accounts.normalize_email(email)
    existing = accounts.get_by_email(email)
    if existing is not None and membership_of(existing, org.id) is not None:
        raise DomainError(_("This person is already a member of the organisation."),
                          field="email")
    if existing is not None and existing.is_staff:
        raise DomainError(_("Staff accounts cannot join an organisation."), field="email")
    now = utcnow()
    for old in db.session.scalars(select(Invitation).where(
            Invitation.organisation_id == org.id, Invitation.email == email,
            Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))):
        old.revoked_at = now
    token = secrets.token_urlsafe(32)
    invitation = Invitation(organisation_id=org.id, email=email, role=role,
                            token_hash=hash_token(token), invited_by_id=actor.id,
                            expires_at=now + timedelta(days=current_app.config["INVITE_DAYS"]))
    db.session.add(invitation)
    db.session.flush()
    audit.record("invitation.created", invitation, actor=actor,
                 changes={"email": email, "role": str(role), "organisation_id": org.id})
    queue_mail("invitation", email, existing.locale if existing else locale,
               organisation=org, inviter=actor, invitation=invitation,
               link=accounts.external_url("employers.accept_invitation", token=token))
    return invitation


def load_invitation(token: str) -> Invitation:
    if not token or len(token) > 200:
        raise DomainError(_("This invitation link is not valid."))
    invitation = db.session.scalar(select(Invitation).where(
        Invitation.token_hash == hash_token(token)))
    if invitation is None or invitation.revoked_at is not None:
        raise DomainError(_("This invitation link is not valid."))
    if invitation.accepted_at is not None:
        raise DomainError(_("This invitation has already been used. Log in instead."))
    if invitation.expires_at < utcnow():
        raise DomainError(_("This invitation has expired. Ask your colleague for a new one."))
    return invitation


def accept_invitation(invitation: Invitation, *, user: User | None = None,
                      new_user: NewUser | None = None) -> User:
    """Accept as a logged-in user with that address, or by creating the account."""
    if user is None:
        if new_user is None:
            raise ValueError("accept_invitation needs a user or the details of a new one")
        # The link came to this address, which proves it: no separate confirmation.
        user = accounts.create_user(email=invitation.email, full_name=new_user.full_name,
                                    password=new_user.password, locale=new_user.locale,
                                    confirmed=True)
    elif user.email != invitation.email:
        raise DomainError(_("This invitation was sent to another e-mail address."))
    membership = membership_of(user, invitation.organisation_id)
    if membership is None:
        membership = Membership(user_id=user.id, organisation_id=invitation.organisation_id,
                                role=invitation.role, status=MembershipStatus.ACTIVE)
        db.session.add(membership)
    else:
        membership.status = MembershipStatus.ACTIVE
    invitation.accepted_at = utcnow()
    db.session.flush()
    audit.record("invitation.accepted", invitation, actor=user,
                 changes={"organisation_id": invitation.organisation_id})
    return user


def members(org: Organisation) -> list[Membership]:
    return list(db.session.scalars(
        select(Membership).where(Membership.organisation_id == org.id)
        .join(User, User.id == Membership.user_id)
        .options(contains_eager(Membership.user))
        .order_by(Membership.status, User.full_name)
    ).unique())


def open_invitations(org: Organisation) -> list[Invitation]:
    return list(db.session.scalars(select(Invitation).where(
        Invitation.organisation_id == org.id, Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None), Invitation.expires_at > utcnow(),
    ).order_by(Invitation.created_at.desc())))


def is_employer_user(user: User) -> bool:
    return user.role == Role.EMPLOYER
