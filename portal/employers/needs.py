"""Hiring needs: what an organisation needs to recruit, now and in the coming year."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from portal.accounts.models import User
from portal.core import audit
from portal.core.errors import ConflictError, DomainError
from portal.core.models import utcnow
from portal.employers import occupations
from portal.employers.enums import NeedStatus
from portal.employers.models import HiringNeed, Organisation
from portal.extensions import db

FIELDS = ("occupation_code", "occupation_other", "headcount", "timeframe", "employment_form",
          "hours_per_week", "location", "swedish_level", "driving_licence", "shift_work",
          "physical_demands", "other_requirements", "no_formal_education", "plus_languages",
          "description")
TEXT = {"occupation_other", "location", "other_requirements", "plus_languages", "description"}

# Which status a need may move to from which.
MOVES = {
    NeedStatus.OPEN: {NeedStatus.FILLED, NeedStatus.ARCHIVED},
    NeedStatus.FILLED: {NeedStatus.OPEN, NeedStatus.ARCHIVED},
    NeedStatus.ARCHIVED: {NeedStatus.OPEN},
}


def _clean(values: dict) -> dict:
    out = {}
    for name in FIELDS:
        if name not in values:
            continue
        value = values[name]
        if name in TEXT:
            value = (value or "").strip()
        elif name in ("shift_work", "no_formal_education"):
            value = bool(value)
        out[name] = value
    if out.get("occupation_code") != occupations.OTHER and "occupation_other" in out:
        out["occupation_other"] = ""
    return out


def _check(values: dict) -> None:
    code = values.get("occupation_code")
    if code != occupations.OTHER and code not in occupations.CODES:
        raise DomainError(_("Choose an occupation from the list."), "occupation_code")
    if code == occupations.OTHER and not values.get("occupation_other"):
        raise DomainError(_("Describe the occupation."), "occupation_other")


def create_need(org: Organisation, *, values: dict, actor: User) -> HiringNeed:
    clean = _clean(values)
    _check(clean)
    need = HiringNeed(organisation_id=org.id, created_by_id=actor.id,
                      registered_by_staff=actor.is_staff, status=NeedStatus.OPEN, **clean)
    db.session.add(need)
    db.session.flush()
    audit.record("need.created", need, actor=actor,
                 changes={k: v for k, v in clean.items() if v not in ("", None)})
    if actor.is_staff:
        # Taken by phone: the organisation's users see what was written down for them.
        from portal.accounts.services import external_url
        from portal.core.mail import queue_mail
        from portal.employers.services import active_users

        link = external_url("needs.index", org_id=org.id)
        for user in active_users(org):
            queue_mail("need_registered", user.email, user.locale, related=need, user=user,
                       need=need, organisation=org, actor=actor, link=link)
    return need


def update_need(need: HiringNeed, *, values: dict, actor: User, expected_version: int) -> dict:
    if expected_version != need.version_id:
        raise ConflictError(_("Someone else saved this hiring need while you were editing it. "
                              "Their version is shown below; make your changes again."))
    clean = _clean(values)
    _check({**{k: getattr(need, k) for k in FIELDS}, **clean})
    changes = audit.diff(need, clean)
    if changes:
        audit.record("need.updated", need, actor=actor, changes=changes)
        db.session.flush()
    return changes


def set_status(need: HiringNeed, status: NeedStatus, *, actor: User) -> None:
    before = need.status_enum
    if status == before:
        return
    if status not in MOVES[before]:
        raise DomainError(_("A hiring need that is “%(state)s” cannot be marked “%(to)s”.",
                            state=before.label, to=status.label))
    need.status = status
    need.status_changed_at = utcnow()
    audit.record("need.status", need, actor=actor, changes={"status": (before, status)})
    db.session.flush()


def for_organisation(org: Organisation, status: str | None = None) -> list[HiringNeed]:
    """Open first, then filled, then archived; newest first within each."""
    order = case({NeedStatus.OPEN.value: 0, NeedStatus.FILLED.value: 1},
                 value=HiringNeed.status, else_=2)
    query = select(HiringNeed).where(HiringNeed.organisation_id == org.id)
    if status in set(NeedStatus):
        query = query.where(HiringNeed.status == status)
    return list(db.session.scalars(query.order_by(order, HiringNeed.created_at.desc(),
                                                  HiringNeed.id.desc())))


def counts(org: Organisation) -> dict[str, int]:
    rows = db.session.execute(select(HiringNeed.status, func.count()).where(
        HiringNeed.organisation_id == org.id).group_by(HiringNeed.status))
    found = {s.value: 0 for s in NeedStatus}
    found.update(dict(rows.all()))  # a list of pairs; a Result would look like a mapping
    return found
