"""Admins manage staff accounts: create, change role, deactivate."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from portal.accounts import services
from portal.accounts.enums import STAFF_ROLES, Role
from portal.accounts.forms import StaffCreateForm, StaffEditForm
from portal.accounts.models import User
from portal.core import idempotency
from portal.core.errors import DomainError
from portal.core.permissions import Access, access
from portal.extensions import db

bp = Blueprint("staff_admin", __name__, url_prefix="/admin/users")


@bp.get("/")
@access(Access.ADMIN)
def index():
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), 100_000)
    query = select(User).where(User.role.in_([r.value for r in STAFF_ROLES])) \
        .order_by(User.active.desc(), User.full_name)
    pagination = db.paginate(query, page=max(page, 1), per_page=50, error_out=False)
    total = db.session.scalar(select(func.count()).select_from(User)
                              .where(User.role.in_([r.value for r in STAFF_ROLES])))
    return render_template("admin/users.html", pagination=pagination, total=total)


@bp.route("/new", methods=["GET", "POST"])
@access(Access.ADMIN)
def create():
    form = StaffCreateForm()
    if form.validate_on_submit():
        done = idempotency.claim(form.submission_key.data, user_id=current_user.id)
        if done:
            return redirect(done)
        try:
            user = services.create_staff(email=form.email.data, full_name=form.full_name.data,
                                         role=Role(form.role.data), actor=current_user,
                                         locale=form.locale.data)
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            target = url_for("staff_admin.index")
            idempotency.finish(form.submission_key.data, target)
            flash(_("The account for %(email)s is created and a welcome mail with a link to "
                    "choose a password is sent.", email=user.email), "success")
            return redirect(target)
    return render_template("admin/user_new.html", form=form), 422 if form.errors else 200


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@access(Access.ADMIN)
def edit(user_id: int):
    user = db.get_or_404(User, user_id)
    if not user.is_staff:
        return redirect(url_for("staff_admin.index"))
    form = StaffEditForm(obj=user)
    if form.validate_on_submit():
        try:
            services.set_staff_role(user, Role(form.role.data), actor=current_user)
            services.set_active(user, form.active.data, actor=current_user)
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            flash(_("The account of %(name)s is saved.", name=user.full_name), "success")
            return redirect(url_for("staff_admin.index"))
    return render_template("admin/user_edit.html", form=form, user=user), \
        422 if form.errors else 200
