"""A minimal staff side for requests: a list and a detail page with the life cycle.

The full triage desk (filters, assignment, service levels) is its own piece of work.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.errors import ConflictError, DomainError
from portal.core.permissions import Access, access
from portal.employers import needs as need_services
from portal.extensions import db
from portal.requests import fields, services
from portal.requests.enums import RequestState
from portal.requests.forms import MessageForm, NoteForm, TransitionForm
from portal.requests.models import ServiceRequest

bp = Blueprint("staff_requests", __name__, url_prefix="/staff/requests")


def _page() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and len(raw) < 6 else 1


@bp.get("/")
@access(Access.STAFF)
def index():
    state = request.args.get("state") or None
    state = state if state in set(RequestState) else None
    page = services.staff_list(state=state, page=_page(),
                               per_page=current_app.config["PAGE_SIZE"])
    return render_template("staff_requests/index.html", page=page, state=state,
                           states=[s for s in RequestState if s != RequestState.DRAFT])


def _detail(req: ServiceRequest, *, transition_form=None, message_form=None, note_form=None,
            status: int = 200):
    moves = services.allowed_moves(req, current_user)
    if transition_form is None:
        transition_form = TransitionForm(moves=moves, formdata=None)
        transition_form.version_id.data = str(req.version_id)
    return render_template(
        "staff_requests/detail.html", req=req, organisation=req.organisation,
        rows=fields.rows(req), moves=moves, timeline=services.timeline(req),
        thread=services.messages(req), notes=services.notes(req),
        mails=services.mails_about(req, employer_view=False),
        changes=services.changes_since_last_submission(req),
        comments=services.open_comments(req)[0],
        other_requests=[r for r in services.for_organisation(req.organisation, group="all")
                        if r.id != req.id and r.state != RequestState.DRAFT],
        needs=need_services.for_organisation(req.organisation, "open"),
        transition_form=transition_form, message_form=message_form or MessageForm(),
        note_form=note_form or NoteForm(), field_names=fields.names(req.kind_enum),
        field_label=lambda n: fields.label(req.kind_enum, n)), status


def _load(request_id: int) -> ServiceRequest:
    req = db.get_or_404(ServiceRequest, request_id)
    if req.state_enum == RequestState.DRAFT:
        # Drafts are the employer's own until submitted.
        from flask import abort

        abort(404)
    return req


@bp.get("/<int:request_id>")
@access(Access.STAFF)
def detail(request_id: int):
    req = _load(request_id)
    services.mark_read(current_user, services.messages(req))
    return _detail(req)


@bp.post("/<int:request_id>/transition")
@access(Access.STAFF)
def transition(request_id: int):
    req = _load(request_id)
    moves = services.allowed_moves(req, current_user)
    form = TransitionForm(moves=moves)
    if not form.validate_on_submit():
        if not form.to.errors:
            return _detail(req, transition_form=form, status=422)
        form.to.errors = [_("This move is no longer possible: the request is now “%(state)s”.",
                            state=req.state_enum.label)]
        form.version_id.data = str(req.version_id)
        return _detail(req, transition_form=form, status=409)
    comments = {name: request.form.get(f"comment-{name}", "")[:2000]
                for name in fields.names(req.kind_enum)}
    try:
        services.transition(req, form.target, actor=current_user, reason=form.reason.data or "",
                            field_comments=comments,
                            expected_version=int(form.version_id.data))
    except ConflictError as exc:
        form.add_error(None, exc.message)
        form.version_id.data = str(req.version_id)
        return _detail(req, transition_form=form, status=409)
    except DomainError as exc:
        form.add_error(exc.field or "reason", exc.message)
        return _detail(req, transition_form=form, status=422)
    flash(_("%(ref)s is now “%(state)s”.", ref=req.display_reference,
            state=req.state_enum.label), "success")
    return redirect(url_for(".detail", request_id=req.id))


@bp.post("/<int:request_id>/messages")
@access(Access.STAFF)
def post_message(request_id: int):
    req = _load(request_id)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            services.post_message(req, author=current_user, body=form.body.data)
        except DomainError as exc:
            form.add_error("body", exc.message)
        else:
            flash(_("Your message is sent to the organisation."), "success")
            return redirect(url_for(".detail", request_id=req.id, _anchor="conversation"))
    return _detail(req, message_form=form, status=422)


@bp.post("/<int:request_id>/notes")
@access(Access.STAFF)
def add_note(request_id: int):
    req = _load(request_id)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            services.add_note(req, author=current_user, body=form.body.data)
        except DomainError as exc:
            form.add_error("body", exc.message)
        else:
            flash(_("The note is saved."), "success")
            return redirect(url_for(".detail", request_id=req.id, _anchor="notes"))
    return _detail(req, note_form=form, status=422)
