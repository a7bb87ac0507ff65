"""Who may see and change an organisation. Used by views and templates."""

from __future__ import annotations

from flask import abort

from portal.employers.models import Organisation


def _membership(user, org: Organisation):
    if not user.is_authenticated:
        return None
    for m in user.memberships:
        if m.organisation_id == org.id and m.is_active:
            return m
    return None


def can_view_organisation(user, org: Organisation) -> bool:
    return user.is_authenticated and (user.is_staff or _membership(user, org) is not None)


def can_edit_organisation(user, org: Organisation) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    membership = _membership(user, org)
    return membership is not None and membership.is_admin


def can_manage_members(user, org: Organisation) -> bool:
    membership = _membership(user, org)
    return membership is not None and membership.is_admin


def require(allowed: bool) -> None:
    """404 rather than 403, so other organisations' ids reveal nothing."""
    if not allowed:
        abort(404)


def can_manage_needs(user, org: Organisation) -> bool:
    """Any active member records and updates the hiring needs; staff too (phone intake)."""
    if not user.is_authenticated:
        return False
    return user.is_staff or _membership(user, org) is not None
