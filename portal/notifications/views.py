"""Staff's notifications: the list, marking read, and the count in the header.

Opening a notification is following its link to the request: the request's
page marks what told this user about it read (as it does the messages), so a
notification clears however the request is reached. A button marks one read
without opening it; another marks all read. Both are POST forms with CSRF.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from portal.core.forms import CsrfOnlyForm
from portal.core.permissions import Access, access
from portal.notifications import services

bp = Blueprint("notifications", __name__, url_prefix="/staff/notifications")


@bp.app_context_processor
def _unread_notifications():
    """For the header: a function, so the COUNT runs once, and only on pages whose
    header shows it (staff), never for mail or partials rendered in a request."""

    def unread_notifications() -> int:
        if not (current_user.is_authenticated and current_user.is_staff):
            return 0
        if "unread_notifications" not in g:
            g.unread_notifications = services.unread_count(current_user)
        return g.unread_notifications

    return {"unread_notifications": unread_notifications}


def _page_number() -> int:
    raw = request.args.get("page", "")
    return int(raw) if raw.isdecimal() and len(raw) < 7 else 1


@bp.get("/")
@access(Access.STAFF)
def index():
    page = services.for_user(current_user, page=_page_number(),
                             per_page=current_app.config["PAGE_SIZE"])
    return render_template("notifications/index.html", page=page)


@bp.post("/<int:notification_id>/read")
@access(Access.STAFF)
def mark_read(notification_id: int):
    note = services.get_own(current_user, notification_id)
    if note is None:  # someone else's, or none at all
        abort(404)
    if CsrfOnlyForm().validate_on_submit():
        services.mark_read(note)
    page = _page_number()
    return redirect(url_for(".index", page=page if page > 1 else None))


@bp.post("/read")
@access(Access.STAFF)
def mark_all_read():
    if CsrfOnlyForm().validate_on_submit():
        count = services.mark_all_read(current_user)
        if count:
            flash(ngettext("%(num)d notification marked as read.",
                           "%(num)d notifications marked as read.", count), "success")
        else:
            flash(_("You had no unread notifications."), "info")
    return redirect(url_for(".index"))
