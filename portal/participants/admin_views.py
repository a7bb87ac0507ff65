"""Admins adapt the screening conversation guide to their unit's sectors and wording."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.errors import ConflictError, DomainError
from portal.core.forms import CsrfOnlyForm
from portal.core.permissions import Access, access
from portal.employers.enums import Sector
from portal.extensions import db
from portal.participants import screening
from portal.participants.forms import ScreeningForm

bp = Blueprint("screening_admin", __name__, url_prefix="/admin/screening")


def _sector(code: str) -> Sector:
    if code not in set(Sector):
        abort(404)
    return Sector(code)


@bp.get("/")
@access(Access.ADMIN)
def index():
    return render_template("admin/screening.html", guide=screening.guide(),
                           edited=set(screening.stored()), sectors=list(Sector))


@bp.route("/<sector>", methods=["GET", "POST"])
@access(Access.ADMIN)
def edit(sector: str):
    chosen = _sector(sector)
    form = ScreeningForm()
    if request.method == "GET":
        form.questions.data = "\n".join(screening.guide().get(chosen, []))
        form.version_id.data = screening.fingerprint(chosen)
    status = 200
    if form.validate_on_submit():
        try:
            screening.save(chosen, screening.parse(form.questions.data), actor=current_user,
                           expected=form.version_id.data)
        except ConflictError as exc:
            db.session.rollback()
            form.add_error(None, exc.message)
            form.version_id.data = screening.fingerprint(chosen)
            status = 409
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            flash(_("The questions for %(sector)s are saved.", sector=chosen.label), "success")
            return redirect(url_for(".index"))
    if form.errors and status == 200:
        status = 422
    return render_template("admin/screening_edit.html", form=form, sector=chosen,
                           edited=chosen.value in screening.stored(),
                           restore_form=CsrfOnlyForm()), status


@bp.post("/<sector>/restore")
@access(Access.ADMIN)
def restore(sector: str):
    chosen = _sector(sector)
    if not CsrfOnlyForm().validate_on_submit():
        flash(_("Reload the page and try again."), "error")
        return redirect(url_for(".edit", sector=chosen.value))
    screening.restore(chosen, actor=current_user)
    flash(_("The shipped questions for %(sector)s are back.", sector=chosen.label), "success")
    return redirect(url_for(".index"))
