from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import func, select

from portal.core.models import OutboxMessage
from portal.core.permissions import Access, access, safe_next
from portal.extensions import db

bp = Blueprint("core", __name__)


@bp.get("/")
@access(Access.PUBLIC)
def index():
    if current_user.is_authenticated:
        if current_user.is_staff:
            return redirect(url_for("core.staff_home"))
        if current_user.is_supervisor_account:
            return redirect(url_for("supervisors.home"))
        return redirect(url_for("employers.dashboard"))
    return render_template("core/index.html")


@bp.get("/healthz")
@access(Access.PUBLIC)
def healthz():
    db.session.execute(select(1))
    return {"status": "ok"}


@bp.get("/language/<code>")
@access(Access.PUBLIC)
def set_language(code: str):
    from flask import current_app

    if code not in current_app.config["PORTAL_LANGUAGES"]:
        abort(404)
    session["lang"] = code
    if current_user.is_authenticated and current_user.locale != code:
        current_user.locale = code
    return redirect(safe_next(request.args.get("next"), url_for("core.index")))


@bp.get("/staff/")
@access(Access.STAFF)
def staff_home():
    from portal.employers.enums import MembershipStatus
    from portal.employers.models import Membership, Organisation

    organisations = db.session.scalar(select(func.count()).select_from(Organisation))
    pending = db.session.scalar(select(func.count()).select_from(Membership)
                                .where(Membership.status == MembershipStatus.PENDING))
    from portal.requests.enums import RequestState
    from portal.requests.models import ServiceRequest

    waiting = db.session.scalar(select(func.count()).select_from(ServiceRequest).where(
        ServiceRequest.state == RequestState.SUBMITTED))
    recent = db.session.scalars(select(Organisation).order_by(Organisation.created_at.desc(),
                                                              Organisation.id.desc())
                                .limit(10)).all()
    return render_template("core/staff_home.html", organisations=organisations,
                           pending=pending, recent=recent, waiting=waiting)


@bp.get("/dev/mail")
@access(Access.DEV)
def dev_mail():
    messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())
                                  .limit(100)).all()
    return render_template("core/dev_mail.html", messages=messages)


@bp.get("/dev/mail/<int:message_id>")
@access(Access.DEV)
def dev_mail_message(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    return render_template("core/dev_mail_message.html", message=message)
