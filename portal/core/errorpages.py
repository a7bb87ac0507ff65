"""Friendly, localized error pages; never a bare traceback."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from portal.extensions import db

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Something was wrong with the request"),
          _l("The page could not understand what was sent. Go back and try again.")),
    403: (_l("You do not have access to this page"),
          _l("Your account does not give access to this page. If you think it should, "
             "contact the labour-market unit.")),
    404: (_l("Page not found"),
          _l("The page does not exist, or you do not have access to it. Check the address.")),
    405: (_l("That did not work"),
          _l("The page cannot be used like that. Go back and try again.")),
    413: (_l("Too much data"),
          _l("What you sent was larger than the portal accepts. Shorten the text or "
             "send a smaller file.")),
    429: (_l("Too many attempts"),
          _l("You have tried too many times in a short while. Wait a minute and try again.")),
    500: (_l("Something went wrong on our side"),
          _l("The error has been logged. Nothing you entered was saved; try again in a "
             "little while.")),
}


def _render(code: int, title=None, text=None):
    default_title, default_text = MESSAGES.get(code, MESSAGES[400])
    return render_template("errors/error.html", code=code, title=title or default_title,
                           text=text or default_text), code


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return _render(400, _l("The form had expired"),
                       _l("For your security, forms stop working after a while or when you "
                          "log in or out in another tab. Go back, reload the page and send "
                          "the form again."))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = exc.code or 500
        if code < 400:
            return exc
        if code not in MESSAGES:
            code = 400 if code < 500 else 500
        return _render(code)

    @app.errorhandler(Exception)
    def server_error(exc):
        log.exception("unhandled error")
        db.session.rollback()
        return _render(500)
