"""The employer's side of service requests: forms, the request page, the conversation."""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from jinja2_fragments.flask import render_block

from portal.core import idempotency
from portal.core.errors import ConflictError, DomainError
from portal.core.forms import CsrfOnlyForm
from portal.core.permissions import Access, access
from portal.employers import permissions as org_perm
from portal.employers.models import Organisation
from portal.extensions import db, htmx
from portal.requests import fields, services
from portal.requests import permissions as perm
from portal.requests.enums import RequestKind, RequestState
from portal.requests.forms import MessageForm, WithdrawForm, form_for
from portal.requests.models import ServiceRequest

bp = Blueprint("requests", __name__)

GROUPS = ("open", "closed", "all")


def _org(org_id: int) -> Organisation:
    org = db.get_or_404(Organisation, org_id)
    org_perm.require(not current_user.is_staff
                     and org_perm.can_view_organisation(current_user, org))
    return org


def _request(org: Organisation, request_id: int) -> ServiceRequest:
    req = db.get_or_404(ServiceRequest, request_id)
    org_perm.require(req.organisation_id == org.id and perm.is_member(current_user, req))
    return req


def _kind(value: str) -> RequestKind:
    try:
        return RequestKind(value)
    except ValueError:
        from flask import abort

        abort(404)


def _status(form) -> int:
    return 422 if form.errors else 200


def _filters() -> tuple[str, str | None]:
    group = request.args.get("group", "open")
    group = group if group in GROUPS else "open"
    kind = request.args.get("kind") or None
    return group, kind if kind in set(RequestKind) else None


@bp.get("/organisations/<int:org_id>/requests")
@access(Access.EMPLOYER)
def index(org_id: int):
    org = _org(org_id)
    group, kind = _filters()
    context = {"organisation": org, "requests": services.for_organisation(org, group=group,
                                                                          kind=kind),
               "group": group, "kind": kind, "kinds": list(RequestKind)}
    if htmx and htmx.target == "request-list":
        response = make_response(render_block("requests/index.html", "request_list", **context))
    else:
        response = make_response(render_template("requests/index.html", **context))
    response.vary.add("HX-Request")
    return response


@bp.get("/organisations/<int:org_id>/requests/new")
@access(Access.EMPLOYER)
def choose(org_id: int):
    org = _org(org_id)
    need = request.args.get("need", "")  # "ask for help" with a need: passed on to the form
    return render_template("requests/choose.html", organisation=org, kinds=list(RequestKind),
                           need=need if need.isdecimal() and len(need) < 10 else None)


def _apply_problems(form, found) -> None:
    for name, message in found:
        field = form._fields.get(name)
        if field is None:
            form.add_error(None, message)
        elif message not in field.errors:
            field.errors = [*field.errors, message]


def _missing_version(form) -> bool:
    """An edit without the version it was made against cannot be checked: ask to reload.

    (The field is optional because the same form also creates requests.)"""
    if form.version_id.version is not None:
        return False
    form.add_error(None, _("Reload the page and try again."))
    return True


def _validate(form, kind: RequestKind) -> bool:
    """Validate the form; on "submit" also check completeness, so every gap shows at once."""
    valid = form.validate_on_submit()
    if form.is_submitted() and form.action.data == "submit":
        found = [(name, message) for name, message in services.problems_for(kind, form.values())
                 if not (name in form._fields and form._fields[name].errors)]
        if found:
            _apply_problems(form, found)
            valid = False
    return valid


@bp.route("/organisations/<int:org_id>/requests/new/<kind>", methods=["GET", "POST"])
@access(Access.EMPLOYER)
def new(org_id: int, kind: str):
    org = _org(org_id)
    kind = _kind(kind)
    needs = services.open_needs(org)
    form = form_for(kind, need_choices=needs)
    if (request.method == "GET" and "needs" in form._fields
            and request.args.get("need", "") in {str(n.id) for n in needs}):
        form.needs.data = [request.args["need"]]  # "ask for help with this need"
    if form.is_submitted():
        done = idempotency.previous_result(form.submission_key.data)
        if done:
            return redirect(done)
    if _validate(form, kind):
        submit = form.action.data == "submit"
        done = idempotency.claim(form.submission_key.data, user_id=current_user.id)
        if done:
            return redirect(done)
        try:
            req = services.create_request(org, kind, values=form.values(),
                                          need_ids=form.need_ids(), actor=current_user,
                                          submit=submit)
        except services.Incomplete as exc:
            _apply_problems(form, exc.problems)
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            if submit:
                target = url_for(".receipt", org_id=org.id, request_id=req.id)
            else:
                flash(_("The draft is saved. Submit it when it is complete."), "success")
                target = url_for(".view", org_id=org.id, request_id=req.id)
            idempotency.finish(form.submission_key.data, target)
            return redirect(target)
    return render_template("requests/form.html", form=form, organisation=org, kind=kind,
                           req=None, comments={}, overall=""), _status(form)


@bp.route("/organisations/<int:org_id>/requests/<int:request_id>/edit",
          methods=["GET", "POST"])
@access(Access.EMPLOYER)
def edit(org_id: int, request_id: int):
    org = _org(org_id)
    req = _request(org, request_id)
    kind = req.kind_enum
    needs = services.open_needs(org)
    # Needs already linked stay choosable even if they were filled since.
    needs += [n for n in req.needs if n not in needs]
    if request.method == "GET":
        form = form_for(kind, obj=req, need_choices=needs)
        if "needs" in form._fields:
            form.needs.data = [str(n.id) for n in req.needs]
        form.version_id.data = str(req.version_id)
    else:
        form = form_for(kind, need_choices=needs)
        # A second click on "Submit" goes where the first one went.
        done = idempotency.previous_result(form.submission_key.data)
        if done:
            return redirect(done)
    if not perm.can_edit_request(current_user, req):
        flash(_("This request can no longer be changed. Write a message instead."), "info")
        return redirect(url_for(".view", org_id=org.id, request_id=req.id))
    comments, overall = services.open_comments(req)
    status = 200
    if _validate(form, kind) and not _missing_version(form):
        submit = form.action.data == "submit"
        try:
            services.update_request(req, values=form.values(), need_ids=form.need_ids(),
                                    actor=current_user,
                                    expected_version=form.version_id.version)
            if submit:
                services.submit_request(req, actor=current_user)
                idempotency.claim(form.submission_key.data, user_id=current_user.id)
                idempotency.finish(form.submission_key.data,
                                   url_for(".receipt", org_id=org.id, request_id=req.id))
        except ConflictError as exc:
            form.add_error(None, exc.message)
            form.version_id.data = str(req.version_id)
            status = 409
        except services.Incomplete as exc:
            _apply_problems(form, exc.problems)
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            if submit:
                return redirect(url_for(".receipt", org_id=org.id, request_id=req.id))
            flash(_("Your changes are saved."), "success")
            return redirect(url_for(".view", org_id=org.id, request_id=req.id))
    return render_template("requests/form.html", form=form, organisation=org, kind=kind,
                           req=req, comments=comments, overall=overall), \
        status if status != 200 else _status(form)


@bp.post("/organisations/<int:org_id>/requests/<int:request_id>/submit")
@access(Access.EMPLOYER)
def submit(org_id: int, request_id: int):
    """Submit a saved draft from its page; incomplete drafts go back to the form."""
    org = _org(org_id)
    req = _request(org, request_id)
    if req.state_enum == RequestState.SUBMITTED and req.reference:
        return redirect(url_for(".receipt", org_id=org.id, request_id=req.id))  # double click
    form = CsrfOnlyForm()
    if not form.validate_on_submit():
        flash(_("Reload the page and try again."), "error")
        return redirect(url_for(".view", org_id=org.id, request_id=req.id))
    try:
        services.submit_request(req, actor=current_user)
    except services.Incomplete:
        flash(_("Some fields need to be filled in before you can submit."), "error")
        return redirect(url_for(".edit", org_id=org.id, request_id=req.id, check=1))
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(url_for(".view", org_id=org.id, request_id=req.id))
    return redirect(url_for(".receipt", org_id=org.id, request_id=req.id))


@bp.get("/organisations/<int:org_id>/requests/<int:request_id>/receipt")
@access(Access.EMPLOYER)
def receipt(org_id: int, request_id: int):
    org = _org(org_id)
    req = _request(org, request_id)
    if req.reference is None:
        return redirect(url_for(".view", org_id=org.id, request_id=req.id))
    return render_template("requests/receipt.html", organisation=org, req=req,
                           rows=fields.rows(req), contacts=services.contacts(org))


@bp.get("/organisations/<int:org_id>/requests/<int:request_id>")
@access(Access.EMPLOYER)
def view(org_id: int, request_id: int):
    org = _org(org_id)
    req = _request(org, request_id)
    thread = services.messages(req)
    unread = services.unread_ids(current_user, [m.id for m in thread])
    services.mark_read(current_user, thread)
    return _request_page(org, req, thread=thread, unread=unread)


def _request_page(org: Organisation, req: ServiceRequest, *, thread, unread=frozenset(),
                  message_form=None):
    comments, overall = services.open_comments(req)
    return render_template(
        "requests/view.html", organisation=org, req=req, rows=fields.rows(req),
        timeline=services.timeline(req), thread=thread, unread=unread,
        mails=services.mails_about(req, employer_view=True), comments=comments,
        overall=overall, message_form=message_form or MessageForm(),
        can_edit=perm.can_edit_request(current_user, req),
        can_withdraw=perm.can_withdraw(current_user, req),
        can_write=perm.can_write(current_user, req))


@bp.route("/organisations/<int:org_id>/requests/<int:request_id>/withdraw",
          methods=["GET", "POST"])
@access(Access.EMPLOYER)
def withdraw(org_id: int, request_id: int):
    org = _org(org_id)
    req = _request(org, request_id)
    if not perm.can_withdraw(current_user, req):
        if req.state_enum == RequestState.WITHDRAWN:
            flash(_("The request is withdrawn."), "info")
        else:
            flash(_("This request can no longer be withdrawn."), "info")
        return redirect(url_for(".view", org_id=org.id, request_id=req.id))
    form = WithdrawForm()
    if request.method == "GET":
        form.version_id.data = str(req.version_id)
    status = 200
    if form.validate_on_submit():
        try:
            services.withdraw(req, actor=current_user, reason=form.reason.data or "",
                              expected_version=form.version_id.version)
        except ConflictError as exc:
            form.add_error(None, exc.message)
            form.version_id.data = str(req.version_id)
            status = 409
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            flash(_("The request %(ref)s is withdrawn.", ref=req.display_reference), "success")
            return redirect(url_for(".view", org_id=org.id, request_id=req.id))
    return render_template("requests/withdraw.html", organisation=org, req=req, form=form), \
        status if status != 200 else _status(form)


@bp.post("/organisations/<int:org_id>/requests/<int:request_id>/messages")
@access(Access.EMPLOYER)
def post_message(org_id: int, request_id: int):
    org = _org(org_id)
    req = _request(org, request_id)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            services.post_message(req, author=current_user, body=form.body.data)
        except DomainError as exc:
            form.add_error("body", exc.message)
        else:
            flash(_("Your message is sent."), "success")
            return redirect(url_for(".view", org_id=org.id, request_id=req.id,
                                    _anchor="conversation"))
    return _request_page(org, req, thread=services.messages(req), message_form=form), 422


@bp.post("/organisations/<int:org_id>/messages/read")
@access(Access.EMPLOYER)
def mark_read(org_id: int):
    """Mark the organisation's unread messages read (from the dashboard)."""
    org = _org(org_id)
    form = CsrfOnlyForm()
    if form.validate_on_submit():
        request_id = request.form.get("request_id", "")
        if request_id.isdecimal() and len(request_id) < 10:
            req = _request(org, int(request_id))
            services.mark_read(current_user, services.messages(req))
        else:
            services.mark_all_read(current_user, org)
    if htmx:
        response = make_response(render_template(
            "employers/_unread.html", organisation=org,
            unread=services.unread_for_organisation(current_user, org)))
        response.vary.add("HX-Request")
        return response
    return redirect(url_for("employers.dashboard"))
