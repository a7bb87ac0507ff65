"""Hiring needs: the organisation's list, and recording, editing and closing a need."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core import idempotency
from portal.core.errors import ConflictError, DomainError
from portal.core.permissions import Access, access
from portal.employers import needs as services
from portal.employers import permissions as perm
from portal.employers.enums import NeedStatus
from portal.employers.forms import EditNeedForm, NeedStatusForm, NewNeedForm
from portal.employers.models import HiringNeed, Organisation
from portal.extensions import db

bp = Blueprint("needs", __name__)


def _org(org_id: int) -> Organisation:
    org = db.get_or_404(Organisation, org_id)
    perm.require(perm.can_manage_needs(current_user, org))
    return org


def _need(org: Organisation, need_id: int) -> HiringNeed:
    need = db.get_or_404(HiringNeed, need_id)
    perm.require(need.organisation_id == org.id)
    return need


def _status(form) -> int:
    return 422 if form.errors else 200


@bp.get("/organisations/<int:org_id>/needs")
@access(Access.USER)
def index(org_id: int):
    org = _org(org_id)
    status = request.args.get("status") or None
    status = status if status in set(NeedStatus) else None
    return render_template("employers/needs.html", organisation=org,
                           needs=services.for_organisation(org, status), status=status,
                           counts=services.counts(org), statuses=list(NeedStatus),
                           status_form=NeedStatusForm())


@bp.route("/organisations/<int:org_id>/needs/new", methods=["GET", "POST"])
@access(Access.USER)
def new(org_id: int):
    org = _org(org_id)
    form = NewNeedForm()
    if request.method == "GET":
        form.location.data = org.city or org.municipality
    if form.is_submitted():
        done = idempotency.previous_result(form.submission_key.data)
        if done:
            return redirect(done)
    if form.validate_on_submit():
        done = idempotency.claim(form.submission_key.data, user_id=current_user.id)
        if done:
            return redirect(done)
        try:
            need = services.create_need(org, values=form.data, actor=current_user)
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            flash(_("The hiring need “%(occupation)s” is saved.",
                    occupation=need.occupation_label), "success")
            target = url_for(".index", org_id=org.id)
            idempotency.finish(form.submission_key.data, target)
            return redirect(target)
    return render_template("employers/need_form.html", form=form, organisation=org,
                           need=None), _status(form)


@bp.route("/organisations/<int:org_id>/needs/<int:need_id>/edit", methods=["GET", "POST"])
@access(Access.USER)
def edit(org_id: int, need_id: int):
    org = _org(org_id)
    need = _need(org, need_id)
    form = EditNeedForm(obj=need if request.method == "GET" else None)
    if request.method == "GET":
        form.version_id.data = str(need.version_id)
    if form.validate_on_submit():
        try:
            services.update_need(need, values=form.data, actor=current_user,
                                 expected_version=form.version_id.version)
        except ConflictError as exc:
            form.add_error(None, exc.message)
            form.version_id.data = str(need.version_id)
            return render_template("employers/need_form.html", form=form, organisation=org,
                                   need=need), 409
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            flash(_("The hiring need is saved."), "success")
            return redirect(url_for(".index", org_id=org.id))
    return render_template("employers/need_form.html", form=form, organisation=org,
                           need=need), _status(form)


@bp.post("/organisations/<int:org_id>/needs/<int:need_id>/status")
@access(Access.USER)
def set_status(org_id: int, need_id: int):
    org = _org(org_id)
    need = _need(org, need_id)
    form = NeedStatusForm()
    if not form.validate_on_submit():
        flash(_("Choose what to do with the hiring need."), "error")
    else:
        target = NeedStatus(form.status.data)
        try:
            services.set_status(need, target, actor=current_user)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            messages = {NeedStatus.FILLED: _("Marked as filled: %(occupation)s."),
                        NeedStatus.ARCHIVED: _("Archived: %(occupation)s."),
                        NeedStatus.OPEN: _("Opened again: %(occupation)s.")}
            flash(messages[target] % {"occupation": need.occupation_label}, "success")
    return redirect(url_for(".index", org_id=org.id))
