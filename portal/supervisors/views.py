"""Supervisors: the public sign-up and confirmation, an employer admin's colleagues, the
staff register and decisions, and the supervisor's own page."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from jinja2_fragments.flask import render_block

from portal.accounts import tokens
from portal.accounts.services import normalize_email
from portal.core import idempotency
from portal.core.errors import DomainError
from portal.core.forms import save_versioned
from portal.core.permissions import Access, access
from portal.employers import permissions as perm
from portal.employers.enums import Sector
from portal.employers.models import Organisation
from portal.extensions import db, htmx, limiter
from portal.supervisors import services
from portal.supervisors.enums import SupervisorStatus
from portal.supervisors.forms import (
    ColleagueForm,
    ConsentForm,
    DecisionForm,
    OwnProfileForm,
    ReasonForm,
    SignUpForm,
)
from portal.supervisors.models import Supervisor

bp = Blueprint("supervisors", __name__)
ST = SupervisorStatus


def _register_limit():
    return current_app.config["REGISTER_RATE_LIMIT"]


def _locale() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def _status(form) -> int:
    return 422 if form.errors or form.form_errors else 200


# --- the public sign-up and the confirmation ------------------------------------------------

@bp.route("/supervisors/sign-up", methods=["GET", "POST"])
@access(Access.PUBLIC)
@limiter.limit(_register_limit, methods=["POST"])
def sign_up():
    form = SignUpForm()
    if request.method == "GET":
        form.capacity.data = 1
    if form.is_submitted():
        # A second click on the same form goes where the first one went.
        done = idempotency.previous_result(form.submission_key.data)
        if done:
            return redirect(done)
    if form.validate_on_submit():
        done = idempotency.claim(form.submission_key.data)
        if done:
            return redirect(done)
        try:
            services.sign_up(profile=form.profile(), sectors=form.sectors.data,
                             periods=form.periods(), email=form.email.data,
                             locale=_locale(), **form.workplace_values())
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            # Whether the address was new or had a profile already, the page is the same:
            # the mail tells the difference, to the address's owner only.
            session["supervisor_email"] = normalize_email(form.email.data)
            target = url_for(".signed_up")
            idempotency.finish(form.submission_key.data, target)
            return redirect(target)
    return render_template("supervisors/sign_up.html", form=form), _status(form)


@bp.get("/supervisors/sign-up/done")
@access(Access.PUBLIC)
def signed_up():
    # Shown once; the address does not stay in the (signed, not encrypted) cookie.
    return render_template("supervisors/signed_up.html",
                           email=session.pop("supervisor_email", ""))


@bp.route("/supervisors/confirm/<token>", methods=["GET", "POST"])
@access(Access.PUBLIC)
def confirm(token: str):
    """The mailed link. A self-signed profile is confirmed by following it (as account
    addresses are); a colleague-registered one first shows what is stored and asks for the
    person's consent."""
    try:
        supervisor = services.load_token(token)
    except tokens.TokenExpired:
        return render_template("supervisors/confirm_invalid.html", expired=True), 400
    except tokens.TokenInvalid:
        return render_template("supervisors/confirm_invalid.html", expired=False), 404
    form = ConsentForm()
    asks_consent = services.needs_consent(supervisor)
    if not asks_consent or form.validate_on_submit():
        try:
            services.confirm(token, consent=bool(asks_consent and form.consent.data))
        except tokens.TokenInvalid:
            return render_template("supervisors/confirm_invalid.html", expired=False), 404
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            return redirect(url_for(".confirmed"))
    return render_template("supervisors/confirm.html", form=form, supervisor=supervisor), \
        _status(form)


@bp.get("/supervisors/confirmed")
@access(Access.PUBLIC)
def confirmed():
    return render_template("supervisors/confirmed.html")


# --- an employer admin's colleagues ---------------------------------------------------------

def _admin_org(org_id: int) -> Organisation:
    org = db.get_or_404(Organisation, org_id)
    perm.require(perm.can_manage_members(current_user, org))
    return org


@bp.route("/organisations/<int:org_id>/supervisors", methods=["GET", "POST"])
@access(Access.EMPLOYER)
def organisation_index(org_id: int):
    """The organisation's supervisors (name, status, trained) and registering a colleague.
    Active admins of the organisation only; any other organisation's id is a 404."""
    org = _admin_org(org_id)
    form = ColleagueForm()
    if request.method == "GET":
        form.capacity.data = 1
        form.locale.data = current_user.locale
        form.sectors.data = [s.value for s in org.sectors]
    if form.is_submitted():
        done = idempotency.previous_result(form.submission_key.data)
        if done:
            return redirect(done)
    if form.validate_on_submit():
        done = idempotency.claim(form.submission_key.data, user_id=current_user.id)
        if done:
            return redirect(done)
        try:
            services.register_colleague(org, profile=form.profile(), sectors=form.sectors.data,
                                        periods=form.periods(), email=form.email.data,
                                        actor=current_user, locale=form.locale.data)
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            target = url_for(".organisation_index", org_id=org.id)
            idempotency.finish(form.submission_key.data, target)
            flash(_("We have mailed %(email)s to confirm the address and agree to how the "
                    "details are used. Then the labour-market unit decides.",
                    email=normalize_email(form.email.data)), "success")
            return redirect(target)
    return render_template("supervisors/organisation_index.html", organisation=org, form=form,
                           supervisors=services.for_organisation(org)), _status(form)


# --- staff: the register and a profile ------------------------------------------------------

@bp.get("/staff/supervisors/")
@access(Access.STAFF)
def index():
    filters = services.Filters.from_args(request.args)
    page = services.register(filters, current_app.config["PAGE_SIZE"])
    context = {"page": page, "filters": filters, "statuses": list(SupervisorStatus),
               "sectors": list(Sector), "municipalities": services.municipalities(),
               "sector_names": services.sector_names}
    if htmx and htmx.target == "supervisors":
        response = current_app.make_response(render_block("supervisors/index.html",
                                                          "supervisors", **context))
    else:
        response = current_app.make_response(render_template("supervisors/index.html",
                                                              **context))
    response.vary.add("HX-Request")
    return response


def _supervisor(supervisor_id: int) -> Supervisor:
    supervisor = services.get(supervisor_id)
    if supervisor is None:
        abort(404)
    return supervisor


def _decision_forms(supervisor: Supervisor, posted=None) -> dict:
    """A form per move the profile allows now; ``posted`` (to, form) is the one just sent."""
    forms = {}
    for to in services.allowed_moves(supervisor):
        if posted is not None and posted[0] == to and posted[1] is not None:
            forms[to.value] = posted[1]
            continue
        form = (ReasonForm if to in services.NEEDS_REASON else DecisionForm)(formdata=None)
        form.version_id.data = str(supervisor.version_id)
        forms[to.value] = form
    return forms


@bp.get("/staff/supervisors/<int:supervisor_id>")
@access(Access.STAFF)
def detail(supervisor_id: int, posted=None, problem=None, status: int = 200):
    """The whole profile, the decisions it allows now, and its change log. ``problem`` is
    a decision form sent back with its errors (on a 409, the fresh forms carry the newer
    version)."""
    supervisor = _supervisor(supervisor_id)
    forms = _decision_forms(supervisor, posted)
    return render_template("supervisors/detail.html", supervisor=supervisor, decisions=forms,
                           problem=problem, periods=services.periods_of(supervisor),
                           free=services.free_capacity(supervisor),
                           sector_names=services.sector_names,
                           history=services.history(supervisor)), status


ACTIONS = {"approve": ST.APPROVED, "decline": ST.DECLINED, "deactivate": ST.DEACTIVATED,
           "reactivate": ST.APPROVED}
DONE = {"approve": _l("%(name)s is approved and has been mailed a link to their page."),
        "decline": _l("%(name)s is declined and has been mailed the reason."),
        "deactivate": _l("%(name)s is deactivated: they can no longer use their supervisor "
                         "page."),
        "reactivate": _l("%(name)s is active again and has been mailed a link to their "
                         "page.")}


def _decide(supervisor_id: int, action: str):
    supervisor = _supervisor(supervisor_id)
    to = ACTIONS[action]
    form = ReasonForm() if to in services.NEEDS_REASON else DecisionForm()
    status = None
    if form.validate_on_submit():
        status = save_versioned(form, lambda: services.transition(
            supervisor, to, actor=current_user,
            reason=form.reason.data if "reason" in form else "",
            expected_version=form.version_id.version), supervisor)
        if status is None:
            flash(str(DONE[action]) % {"name": supervisor.full_name}, "success")
            return redirect(url_for(".detail", supervisor_id=supervisor.id))
    # Nothing of the refused change may show on the page drawn again.
    db.session.rollback()
    if not form.all_errors:
        form.add_error(None, _("Reload the page and try again."))
    if status == 409:
        # The page as it is now, with the message over it: nothing was changed.
        return detail(supervisor_id, problem=form, status=409)
    return detail(supervisor_id, posted=(to, form), problem=form, status=status or 422)


@bp.post("/staff/supervisors/<int:supervisor_id>/approve")
@access(Access.STAFF)
def approve(supervisor_id: int):
    return _decide(supervisor_id, "approve")


@bp.post("/staff/supervisors/<int:supervisor_id>/decline")
@access(Access.STAFF)
def decline(supervisor_id: int):
    return _decide(supervisor_id, "decline")


@bp.post("/staff/supervisors/<int:supervisor_id>/deactivate")
@access(Access.STAFF)
def deactivate(supervisor_id: int):
    return _decide(supervisor_id, "deactivate")


@bp.post("/staff/supervisors/<int:supervisor_id>/reactivate")
@access(Access.STAFF)
def reactivate(supervisor_id: int):
    return _decide(supervisor_id, "reactivate")


# --- the supervisor's own page ----------------------------------------------------------------

@bp.get("/supervisor/")
@access(Access.SUPERVISOR)
def home():
    """Their details, and what the placement and mentor-training packages show them."""
    from portal.mentor_training import services as mentor_training
    from portal.placements import services as placements

    supervisor = current_user.supervisor
    context = {}
    context.update(placements.page_context(supervisor))
    context.update(mentor_training.page_context(supervisor))
    context.update(supervisor=supervisor, periods=services.periods_of(supervisor),
                   free=services.free_capacity(supervisor))
    return render_template("supervisors/home.html", **context)


@bp.route("/supervisor/profile", methods=["GET", "POST"])
@access(Access.SUPERVISOR)
def profile():
    supervisor = current_user.supervisor
    form = OwnProfileForm(obj=supervisor if request.method == "GET" else None)
    if request.method == "GET":
        form.version_id.data = str(supervisor.version_id)
        form.fill_periods(services.periods_of(supervisor))
    status = None
    if form.validate_on_submit():
        status = save_versioned(form, lambda: services.update_profile(
            supervisor, values=form.values(), periods=form.periods(), actor=current_user,
            expected_version=form.version_id.version), supervisor)
        if status is None:
            flash(_("Your supervisor profile is saved."), "success")
            return redirect(url_for(".home"))
    return render_template("supervisors/profile.html", form=form, supervisor=supervisor), \
        status or _status(form)
