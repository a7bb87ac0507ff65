"""A minimal staff side for requests: a list and a detail page with the life cycle.

The inbox filters, searches and sorts in SQL (triage.py); staff assign requests
to themselves or a colleague from the list or the request page.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from jinja2_fragments.flask import render_block
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from portal.accounts.models import User
from portal.analyses import services as analysis_services
from portal.core import idempotency
from portal.core.dates import local_today
from portal.core.errors import ConflictError, DomainError
from portal.core.permissions import Access, access, safe_next
from portal.employers import needs as need_services
from portal.employers.enums import Sector
from portal.employers.models import Organisation
from portal.extensions import db, htmx
from portal.notifications import services as notifications
from portal.participants import outcomes
from portal.placements import services as placement_services
from portal.requests import fields, services, triage
from portal.requests import views as employer_views
from portal.requests.enums import RequestKind, RequestState
from portal.requests.forms import (
    AssignForm,
    BulkForm,
    MessageForm,
    NoteForm,
    TransitionForm,
    form_for,
)
from portal.requests.models import ServiceRequest

bp = Blueprint("staff_requests", __name__, url_prefix="/staff/requests")



def _list_query(raw: str | None) -> str:
    """The inbox's filters as a query string, cleaned (kept with a request's page)."""
    args = MultiDict(parse_qsl((raw or "")[:1000], keep_blank_values=False))
    return urlencode(triage.Filters.from_args(args).as_args(page=None))


def _list_filters(list_query: str) -> triage.Filters:
    return triage.Filters.from_args(MultiDict(parse_qsl(list_query)))


def _back(default: str) -> str:
    return safe_next(request.form.get("next"), default)


def _row(req: ServiceRequest):
    """The inbox row of one request, as the answer to an inline htmx action."""
    response = make_response(render_template(
        "staff_requests/_row.html", r=req, today=local_today(),
        due_soon=triage.due_soon_limit(), next_steps=services.NEXT_STEP,
        back=_back(url_for(".index"))))
    response.vary.add("HX-Request")
    return response


def _htmx_failed(message: str):
    """An inline action that could not be done: say so on the list, reloaded."""
    flash(message, "error")
    response = make_response("", 200)
    response.headers["HX-Redirect"] = _back(url_for(".index"))
    return response


@bp.get("/")
@access(Access.STAFF)
def index():
    filters = triage.Filters.from_args(request.args)
    page = triage.inbox(filters, current_user, per_page=current_app.config["PAGE_SIZE"])
    context = {"page": page, "filters": filters, "kinds": list(RequestKind),
               "states": [s for s in RequestState if s != RequestState.DRAFT],
               "sectors": list(Sector), "staff": triage.staff_members(),
               "sorts": triage.SORTS, "today": local_today(),
               "due_soon": triage.due_soon_limit(), "next_steps": services.NEXT_STEP,
               "bulk_states": services.BULK_STATES}
    if htmx and htmx.target == "inbox":
        response = make_response(render_block("staff_requests/index.html", "inbox", **context))
    else:
        response = make_response(render_template("staff_requests/index.html", **context))
    response.vary.add("HX-Request")
    return response


@bp.get("/organisations/<int:org_id>/new")
@access(Access.STAFF)
def intake_choose(org_id: int):
    org = db.get_or_404(Organisation, org_id)
    return render_template("staff_requests/intake_choose.html", organisation=org,
                           kinds=list(RequestKind))


@bp.route("/organisations/<int:org_id>/new/<kind>", methods=["GET", "POST"])
@access(Access.STAFF)
def intake(org_id: int, kind: str):
    """A request taken by phone: staff fill in the form on the organisation's behalf."""
    org = db.get_or_404(Organisation, org_id)
    if kind not in set(RequestKind):
        abort(404)
    kind = RequestKind(kind)
    form = form_for(kind, need_choices=services.open_needs(org))
    if form.is_submitted():
        done = idempotency.previous_result(form.submission_key.data)
        if done:
            return redirect(done)
        form.action.data = "submit"  # staff register straight away; no drafts
    if employer_views._validate(form, kind):
        done = idempotency.claim(form.submission_key.data, user_id=current_user.id)
        if done:
            return redirect(done)
        try:
            req = services.create_request(org, kind, values=form.values(),
                                          need_ids=form.need_ids(), actor=current_user,
                                          submit=True)
            services.assign(req, current_user, actor=current_user)
        except services.Incomplete as exc:
            employer_views._apply_problems(form, exc.problems)
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            target = url_for(".detail", request_id=req.id)
            idempotency.finish(form.submission_key.data, target)
            flash(_("%(ref)s is registered for %(org)s, and its users are told.",
                    ref=req.reference, org=org.name), "success")
            return redirect(target)
    return render_template("requests/form.html", form=form, organisation=org, kind=kind,
                           req=None, comments={}, overall="", intake=True), \
        422 if form.errors else 200


def _bulk_selection(values):
    """(requests, action, back) from a bulk form or its confirmation URL; None if unusable."""
    back = safe_next(values.get("next"), url_for(".index"))
    ids = sorted({int(i) for i in values.getlist("ids") if i.isdecimal() and len(i) < 10})
    try:
        action = services.parse_bulk_action(values.get("bulk_action", ""))
    except DomainError as exc:
        flash(exc.message, "error")
        return None, None, back
    reqs = services.requests_by_ids(ids[:500]) if ids else []
    if not reqs:
        flash(_("Select at least one request and what to do with them."), "error")
        return None, None, back
    return reqs, action, back


@bp.get("/bulk")
@access(Access.STAFF)
def bulk_confirm():
    """What a bulk change will do, to confirm (a GET, so reloading changes nothing)."""
    reqs, action, back = _bulk_selection(request.args)
    if reqs is None:
        return redirect(back)
    return render_template("staff_requests/bulk_confirm.html", reqs=reqs, action=action,
                           bulk_action=request.args.get("bulk_action"), back=back,
                           plan=services.bulk_plan(reqs, action, current_user))


@bp.post("/bulk")
@access(Access.STAFF)
def bulk():
    """Assign or move several requests: first the confirmation page, then the change."""
    form = BulkForm()
    if not form.validate_on_submit():
        flash(_("Select at least one request and what to do with them."), "error")
        return redirect(_back(url_for(".index")))
    reqs, action, back = _bulk_selection(request.form)
    if reqs is None:
        return redirect(back)
    if form.confirm.data != "yes":
        return redirect(url_for(".bulk_confirm", ids=[r.id for r in reqs],
                                bulk_action=form.bulk_action.data, next=back))
    done, skipped = services.bulk_apply(reqs, action, actor=current_user)
    if done:
        flash(ngettext("%(num)d request changed.", "%(num)d requests changed.", done),
              "success")
    if skipped:
        flash(ngettext("%(num)d request could not be changed and was left as it was.",
                       "%(num)d requests could not be changed and were left as they were.",
                       skipped), "info")
    return redirect(back)


@bp.get("/my-day")
@access(Access.STAFF)
def my_day():
    return render_template("staff_requests/my_day.html", today=local_today(),
                           due_soon=triage.due_soon_limit(),
                           sections=triage.my_day(current_user),
                           follow_ups=analysis_services.follow_ups_due(
                               current_user, triage.due_soon_limit()),
                           outcome_follow_ups=outcomes.follow_ups_due(),
                           placement_follow_ups=placement_services.my_day(current_user))


@bp.post("/<int:request_id>/assign")
@access(Access.STAFF)
def assign(request_id: int):
    req = _load(request_id)
    form = AssignForm()
    back = safe_next(request.form.get("next"), url_for(".detail", request_id=req.id))
    if not form.validate_on_submit():
        flash(_("Choose whom to give the request to."), "error")
        return redirect(back)
    choice = form.assignee.data
    assignee = None
    if choice == "me":
        assignee = current_user
    elif choice != "none":
        assignee = db.session.get(User, int(choice)) if choice.isdecimal() and \
            len(choice) < 10 else None
        if assignee is None:
            flash(_("Choose an active staff member."), "error")
            return redirect(back)
    version = form.version_id.data
    try:
        services.assign(req, assignee, actor=current_user,
                        expected_version=int(version) if version.isdecimal() else None)
    except DomainError as exc:  # a conflict too: nothing was changed
        if htmx:
            return _htmx_failed(exc.message)
        flash(exc.message, "error")
        return redirect(back)
    if htmx:
        return _row(req)
    if assignee is None:
        flash(_("%(ref)s is no longer assigned to anyone.", ref=req.display_reference),
              "success")
    else:
        flash(_("%(ref)s is now handled by %(name)s.", ref=req.display_reference,
                name=assignee.full_name), "success")
    return redirect(back)


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
        analyses=analysis_services.for_organisation(req.organisation, final_only=False),
        transition_form=transition_form, message_form=message_form or MessageForm(),
        note_form=note_form or NoteForm(), field_names=fields.names(req.kind_enum),
        staff=triage.staff_members(), audit_lines=services.audit_history(req),
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
    notifications.mark_request_read(current_user, req)  # opened: what told me is read
    return _detail(req)


@bp.context_processor
def _list_context():
    # The inbox filters a request page was opened from, for "save and next".
    if request.endpoint == "staff_requests.index":
        raw = request.query_string.decode("utf-8", "replace")
    else:
        raw = request.args.get("list")
        if raw is None and request.method == "POST":
            try:
                raw = request.form.get("list")
            except HTTPException:  # e.g. the error page for a body over the limit
                raw = None
    return {"list_query": _list_query(raw)}


@bp.post("/<int:request_id>/transition")
@access(Access.STAFF)
def transition(request_id: int):
    req = _load(request_id)
    moves = services.allowed_moves(req, current_user)
    form = TransitionForm(moves=moves)
    if htmx:
        # An inline move from the list: the row comes back, or the list says why not.
        if not form.validate_on_submit():
            return _htmx_failed(_("This move is no longer possible: the request is now "
                                  "“%(state)s”.", state=req.state_enum.label))
        try:
            services.transition(req, form.target, actor=current_user,
                                expected_version=form.version_id.version)
        except DomainError as exc:
            return _htmx_failed(exc.message)
        return _row(req)
    if not form.validate_on_submit():
        posted = request.form.get("to", "")
        if form.to.errors and posted in set(RequestState) and posted not in moves:
            # A real status, no longer reachable: someone moved the request meanwhile.
            form.to.errors = [_("This move is no longer possible: the request is now "
                                "“%(state)s”.", state=req.state_enum.label)]
            form.version_id.data = str(req.version_id)
            return _detail(req, transition_form=form, status=409)
        if form.to.errors:
            form.to.errors = [_("Choose the new status.")]
        return _detail(req, transition_form=form, status=422)
    comments = {name: request.form.get(f"comment-{name}", "")[:2000]
                for name in fields.names(req.kind_enum)}
    list_query = _list_query(request.form.get("list"))
    then_next = request.form.get("then") == "next"
    # The list as it stood before the move: the next one is the one after this.
    order = triage.ids_in_order(_list_filters(list_query), current_user) if then_next else []
    try:
        services.transition(req, form.target, actor=current_user, reason=form.reason.data or "",
                            field_comments=comments,
                            expected_version=form.version_id.version)
    except ConflictError as exc:
        form.add_error(None, exc.message)
        form.version_id.data = str(req.version_id)
        return _detail(req, transition_form=form, status=409)
    except DomainError as exc:
        form.add_error(exc.field or "reason", exc.message)
        return _detail(req, transition_form=form, status=422)
    flash(_("%(ref)s is now “%(state)s”.", ref=req.display_reference,
            state=req.state_enum.label), "success")
    if then_next:
        following = triage.next_after(order, req.id)
        if following is not None:
            return redirect(url_for(".detail", request_id=following, list=list_query or None))
        flash(_("That was the last request in the list."), "info")
        return redirect(url_for(".index") + (f"?{list_query}" if list_query else ""))
    return redirect(_back(url_for(".detail", request_id=req.id)))


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
