from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from jinja2_fragments.flask import render_block

from portal.core import idempotency
from portal.core.errors import ConflictError, DomainError
from portal.core.permissions import Access, access
from portal.employers import orgnumber, services
from portal.employers import permissions as perm
from portal.employers.enums import MembershipStatus, OrgRole
from portal.employers.forms import (
    AcceptInvitationForm,
    DecisionForm,
    InviteForm,
    JoinForm,
    ProfileForm,
    RegisterForm,
)
from portal.employers.models import Membership, Organisation
from portal.extensions import db, htmx, limiter

bp = Blueprint("employers", __name__)


def _register_limit():
    return current_app.config["REGISTER_RATE_LIMIT"]


def _status(form) -> int:
    return 422 if form.errors else 200


def _new_user(form) -> services.NewUser:
    return services.NewUser(email=form.email.data, full_name=form.full_name.data,
                            password=form.password.data, locale=form.locale.data or "sv")


@bp.route("/register", methods=["GET", "POST"])
@access(Access.PUBLIC)
@limiter.limit(_register_limit, methods=["POST"])
def register():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("core.index"))
    form = RegisterForm()
    if request.method == "GET":
        form.locale.data = request.args.get("lang") or None
    if form.is_submitted():
        # A second click on the same form goes where the first one went.
        done = idempotency.previous_result(form.submission_key.data)
        if done:
            return redirect(done)
    existing = None
    if form.is_submitted() and form.org_number.data:
        existing = services.find_by_number(form.country.data, form.org_number.data)
    if existing is not None:
        # Known number: offer to ask to join instead, keeping what was typed.
        join = JoinForm(formdata=None, country=form.country.data,
                        org_number=form.org_number.data, full_name=form.full_name.data,
                        email=form.email.data, locale=form.locale.data)
        return render_template("employers/join.html", form=join, organisation=existing), 409
    if form.validate_on_submit():
        done = idempotency.claim(form.submission_key.data)
        if done:
            return redirect(done)
        try:
            _org, user = services.register_organisation(
                country=form.country.data, org_number=form.org_number.data,
                profile=form.data, sectors=form.sectors.data, user=_new_user(form))
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            # The address goes in the session, not the URL (logs, referers).
            session["registered_email"] = user.email
            target = url_for("employers.registered")
            idempotency.finish(form.submission_key.data, target)
            return redirect(target)
    return render_template("employers/register.html", form=form), _status(form)


@bp.get("/register/check-number")
@access(Access.PUBLIC)
def check_number():
    """Inline availability check of an organisation number (htmx, or a plain page)."""
    country = request.args.get("country", "SE")
    raw = request.args.get("org_number", "")[:40]
    state, org = "empty", None
    if raw.strip():
        try:
            orgnumber.parse(country, raw)
        except orgnumber.InvalidNumber:
            state = "invalid"
        else:
            org = services.find_by_number(country, raw)
            state = "taken" if org else "free"
    context = {"state": state, "number": raw, "country": country}
    if htmx:
        response = make_response(render_block("employers/check_number.html", "result",
                                               **context))
    else:
        response = make_response(render_template("employers/check_number.html", **context))
    response.vary.add("HX-Request")
    return response


@bp.post("/register/join")
@access(Access.PUBLIC)
@limiter.limit(_register_limit)
def join():
    form = JoinForm()
    org = services.find_by_number(form.country.data or "SE", form.org_number.data or "")
    if org is None:
        flash(_("We could not find that organisation. Register it instead."), "error")
        return redirect(url_for("employers.register"))
    if form.validate_on_submit():
        done = idempotency.claim(form.submission_key.data)
        if done:
            return redirect(done)
        try:
            user = services.request_to_join(org, _new_user(form))
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            session["registered_email"] = user.email
            target = url_for("employers.registered", joined=1)
            idempotency.finish(form.submission_key.data, target)
            return redirect(target)
    return render_template("employers/join.html", form=form, organisation=org), _status(form)


@bp.get("/register/done")
@access(Access.PUBLIC)
def registered():
    # Shown once; the address does not stay in the (signed, not encrypted) cookie.
    email = session.pop("registered_email", "")
    return render_template("employers/registered.html", email=email,
                           joined=request.args.get("joined") == "1")


@bp.get("/organisation")
@access(Access.EMPLOYER)
def dashboard():
    membership = services.primary_membership(current_user)
    if membership is None:
        return render_template("employers/no_organisation.html")
    if membership.status == MembershipStatus.PENDING:
        return render_template("employers/pending.html", membership=membership)
    from portal.analyses import services as analyses
    from portal.employers import needs
    from portal.events import services as events
    from portal.requests import services as requests
    from portal.requests.enums import RequestKind
    from portal.training import services as training

    org = membership.organisation
    group = request.args.get("group", "open")
    group = group if group in ("open", "closed", "all") else "open"
    kind = request.args.get("kind") or None
    kind = kind if kind in set(RequestKind) else None
    context = {"membership": membership, "organisation": org, "group": group, "kind": kind,
               "kinds": list(RequestKind),
               "requests": requests.for_organisation(org, group=group, kind=kind),
               "needs": needs.for_organisation(org, "open"), "need_counts": needs.counts(org),
               "unread": requests.unread_for_organisation(current_user, org),
               "analyses": analyses.for_organisation(org, final_only=True, limit=3),
               "upcoming": training.for_organisation(org, upcoming_only=True),
               "upcoming_events": events.for_organisation(org, upcoming_only=True),
               "open_cohorts": training.open_for_interest(org, limit=3)}
    if htmx and htmx.target == "request-list":
        response = make_response(render_block("employers/dashboard.html", "request_list",
                                              **context))
    else:
        response = make_response(render_template("employers/dashboard.html", **context))
    response.vary.add("HX-Request")
    return response


def _load_org(org_id: int, check) -> Organisation:
    org = db.get_or_404(Organisation, org_id)
    perm.require(check(current_user, org))
    return org


@bp.get("/organisations/<int:org_id>")
@access(Access.USER)
def profile(org_id: int):
    org = _load_org(org_id, perm.can_view_organisation)
    return render_template("employers/profile.html", organisation=org)


@bp.route("/organisations/<int:org_id>/edit", methods=["GET", "POST"])
@access(Access.USER)
def edit_profile(org_id: int):
    org = _load_org(org_id, perm.can_edit_organisation)
    # On POST only what was sent counts: filling gaps from the record would hide a
    # missing version and so skip the stale-edit check.
    form = (ProfileForm(obj=org, data={"sectors": [s.value for s in org.sectors]})
            if request.method == "GET" else ProfileForm())
    if form.validate_on_submit():
        try:
            services.update_profile(org, values=form.data, sectors=form.sectors.data,
                                    expected_version=form.version_id.version,
                                    actor=current_user)
        except ConflictError as exc:
            form.add_error(None, exc.message)
            form.version_id.data = str(org.version_id)
            return render_template("employers/edit.html", form=form, organisation=org,
                                   conflict=True), 409
        flash(_("The organisation's profile is saved."), "success")
        return redirect(url_for("employers.profile", org_id=org.id))
    if request.method == "GET":
        form.version_id.data = str(org.version_id)
    return render_template("employers/edit.html", form=form, organisation=org), _status(form)


@bp.get("/organisations/<int:org_id>/members")
@access(Access.USER)
def members(org_id: int):
    org = _load_org(org_id, perm.can_view_organisation)
    return render_template("employers/members.html", organisation=org,
                           members=services.members(org),
                           invitations=services.open_invitations(org),
                           decision_form=DecisionForm())


@bp.route("/organisations/<int:org_id>/invite", methods=["GET", "POST"])
@access(Access.EMPLOYER)
def invite(org_id: int):
    org = _load_org(org_id, perm.can_manage_members)
    form = InviteForm()
    if request.method == "GET":
        form.locale.data = current_user.locale
    if form.validate_on_submit():
        target = url_for("employers.members", org_id=org.id)
        if idempotency.claim(form.submission_key.data, user_id=current_user.id):
            return redirect(target)
        try:
            services.invite(org, email=form.email.data, role=OrgRole(form.role.data),
                            actor=current_user, locale=form.locale.data)
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            idempotency.finish(form.submission_key.data, target)
            flash(_("The invitation to %(email)s is sent.", email=form.email.data), "success")
            return redirect(target)
    return render_template("employers/invite.html", form=form, organisation=org), _status(form)


@bp.post("/organisations/<int:org_id>/members/<int:membership_id>/decision")
@access(Access.EMPLOYER)
def decide(org_id: int, membership_id: int):
    org = _load_org(org_id, perm.can_manage_members)
    membership = db.get_or_404(Membership, membership_id)
    perm.require(membership.organisation_id == org.id)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash(_("Choose to approve or decline."), "error")
        return redirect(url_for("employers.members", org_id=org.id))
    try:
        services.decide_join(membership, form.decision.data == "approve", actor=current_user)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        if form.decision.data == "approve":
            flash(_("%(name)s can now use the portal for the organisation.",
                    name=membership.user.full_name), "success")
        else:
            flash(_("The request from %(name)s is declined.", name=membership.user.full_name),
                  "success")
    return redirect(url_for("employers.members", org_id=org.id))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@access(Access.PUBLIC)
def accept_invitation(token: str):
    try:
        invitation = services.load_invitation(token)
    except DomainError as exc:
        return render_template("employers/invitation_invalid.html", message=exc.message), 404
    form = AcceptInvitationForm()
    logged_in = current_user.is_authenticated
    if request.method == "GET" and not logged_in:
        form.locale.data = "sv"
    existing = services.accounts.get_by_email(invitation.email)
    if request.method == "POST" and (logged_in or existing is not None):
        if not logged_in:
            flash(_("You already have an account: log in, then open the link again."), "info")
            return redirect(url_for("accounts.login", next=request.path))
        try:
            services.accept_invitation(invitation, user=current_user)
        except DomainError as exc:
            flash(exc.message, "error")
            return redirect(url_for("core.index"))
        flash(_("You are now a member of %(name)s.", name=invitation.organisation.name),
              "success")
        return redirect(url_for("employers.dashboard"))
    if form.validate_on_submit():
        try:
            services.accept_invitation(invitation, new_user=services.NewUser(
                email=invitation.email, full_name=form.full_name.data,
                password=form.password.data, locale=form.locale.data))
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            flash(_("Welcome! Your account is ready: log in with your e-mail address and "
                    "the password you chose."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("employers/accept_invitation.html", form=form, invitation=invitation,
                           existing=existing), _status(form)
