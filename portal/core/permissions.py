"""Every view declares who may reach it; the route-access test reads the same marks.

``@access(Access.STAFF)`` both enforces the rule and labels the view, so a
route without a label is caught by tests/test_route_access.py.
"""

from __future__ import annotations

import enum
from functools import wraps

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user


class Access(enum.StrEnum):
    PUBLIC = "public"  # anyone, logged in or not
    USER = "user"  # any logged-in account
    EMPLOYER = "employer"  # employer users; the view also checks the organisation
    SUPERVISOR = "supervisor"  # an approved supervisor; the view also checks the placement
    STAFF = "staff"
    STAFF_MANAGER = "staff_manager"
    ADMIN = "admin"
    DEV = "dev"  # development only (404 otherwise), anyone


def _allowed(level: Access, user) -> bool:
    if level in (Access.PUBLIC,):
        return True
    if level == Access.DEV:
        return current_app.config["PORTAL_ENV"] == "development"
    if not user.is_authenticated:
        return False
    if level == Access.USER:
        return True
    if level == Access.EMPLOYER:
        return not user.is_staff and not user.is_supervisor_account
    if level == Access.SUPERVISOR:
        return user.supervisor is not None
    if level == Access.STAFF:
        return user.is_staff
    if level == Access.STAFF_MANAGER:
        return user.is_staff_manager
    if level == Access.ADMIN:
        return user.is_admin
    return False


def access(level: Access):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if level == Access.DEV and current_app.config["PORTAL_ENV"] != "development":
                abort(404)
            if not _allowed(level, current_user):
                if not current_user.is_authenticated:
                    return redirect(url_for("accounts.login", next=request.full_path
                                            if request.query_string else request.path))
                abort(403)
            return view(*args, **kwargs)

        wrapped.access = level
        return wrapped

    return decorator


def is_safe_next(target: str | None) -> bool:
    """Only same-site relative paths; never //host, \\host or a scheme."""
    if not target or len(target) > 500:
        return False
    if not target.startswith("/") or target.startswith("//") or target.startswith("/\\"):
        return False
    return not any(c in target for c in "\r\n\t\\") and ":" not in target.split("?")[0]


def safe_next(target: str | None, default: str) -> str:
    return target if is_safe_next(target) else default
