"""Who may see and act on a service request. Used by views and templates."""

from __future__ import annotations

from portal.employers.permissions import _membership
from portal.requests.enums import EDITABLE_STATES, RequestState
from portal.requests.models import ServiceRequest


def is_member(user, req: ServiceRequest) -> bool:
    return (user.is_authenticated and not user.is_staff
            and _membership(user, req.organisation) is not None)


def can_view_request(user, req: ServiceRequest) -> bool:
    return user.is_authenticated and (user.is_staff or is_member(user, req))


def can_edit_request(user, req: ServiceRequest) -> bool:
    return is_member(user, req) and req.state_enum in EDITABLE_STATES


def can_withdraw(user, req: ServiceRequest) -> bool:
    from portal.requests.services import allowed_moves

    return is_member(user, req) and RequestState.WITHDRAWN in allowed_moves(req, user)


def can_write(user, req: ServiceRequest) -> bool:
    if user.is_authenticated and user.is_staff:
        return True
    return is_member(user, req) and req.state_enum != RequestState.DRAFT


def can_triage(user) -> bool:
    return user.is_authenticated and user.is_staff
