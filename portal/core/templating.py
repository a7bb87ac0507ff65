"""Template globals: languages, the acting user's organisation, permission helpers."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_login import current_user

LANGUAGE_NAMES = {"sv": "Svenska", "en": "English", "da": "Dansk"}


def register(app: Flask) -> None:
    from portal.employers import permissions as employer_permissions
    from portal.employers.services import primary_membership

    @app.context_processor
    def portal_globals():
        membership = None
        in_request = has_request_context()
        if in_request and current_user.is_authenticated and not current_user.is_staff:
            membership = primary_membership(current_user)
        return {
            "portal_name": current_app.config["PORTAL_NAME"],
            "languages": [(code, LANGUAGE_NAMES[code])
                          for code in current_app.config["PORTAL_LANGUAGES"]],
            "current_locale": str(get_locale() or "sv"),
            "current_membership": membership,
            "can": employer_permissions,
            "dev_mail_enabled": current_app.config["PORTAL_ENV"] == "development",
            "request_path": request.full_path.rstrip("?") if in_request else "/",
        }

    app.jinja_env.filters["date"] = lambda value, fmt="medium": (
        format_date(value, fmt) if value else "")
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": (
        format_datetime(value, fmt) if value else "")
    app.jinja_env.filters["number"] = lambda value: format_decimal(value) if value is not None \
        else ""
    app.jinja_env.add_extension("jinja2.ext.do")
