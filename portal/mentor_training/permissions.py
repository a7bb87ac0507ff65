"""Who may sign supervisors up for mentor training, besides staff and the supervisor."""

from __future__ import annotations

from portal.employers.models import Organisation


def can_sign_up_for(user, org: Organisation) -> bool:
    """An active admin of the organisation signs its supervisors up (staff use their own
    pages)."""
    if not user.is_authenticated or user.is_staff:
        return False
    return any(m.organisation_id == org.id and m.is_active and m.is_admin
               for m in user.memberships)
