"""Placements: staff arrange and follow them; a supervisor reports weekly on their own."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from jinja2_fragments.flask import render_block
from sqlalchemy import select

from portal.core import idempotency
from portal.core.dates import local_today
from portal.core.errors import ConflictError, DomainError
from portal.core.forms import save_versioned
from portal.core.permissions import Access, access
from portal.employers.enums import Sector
from portal.employers.models import Organisation
from portal.extensions import db, htmx
from portal.participants import outcomes
from portal.participants.enums import Checkpoint
from portal.participants.forms import OutcomeForm
from portal.participants.models import Participant
from portal.placements import checks, matching, risk, services
from portal.placements.enums import FollowUpKind, PlacementState
from portal.placements.forms import (
    ActivateForm,
    AgreeForm,
    CancelForm,
    CheckInForm,
    EditPlacementForm,
    EndForm,
    FollowUpForm,
    NewPlacementForm,
)
from portal.placements.models import Placement
from portal.requests.enums import PlacementType, RequestKind, RequestState
from portal.requests.models import ServiceRequest
from portal.training.enrolment import participant_by_reference

bp = Blueprint("placements", __name__)
CHOICES_LIMIT = 1000


def _placement(placement_id: int) -> Placement:
    placement = services.get(placement_id)
    if placement is None:
        abort(404)
    return placement


def _arg_id(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdecimal() and len(value) < 10 else None


def _organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name,
                                                                 Organisation.id)
                                   .limit(CHOICES_LIMIT)))


def _supervisors(current_id: int | None = None) -> list:
    from portal.supervisors.enums import SupervisorStatus
    from portal.supervisors.models import Supervisor

    found = list(db.session.scalars(
        select(Supervisor).where(Supervisor.status == SupervisorStatus.APPROVED)
        .order_by(Supervisor.full_name, Supervisor.id).limit(CHOICES_LIMIT)))
    if current_id is not None and all(s.id != current_id for s in found):
        current = db.session.get(Supervisor, current_id)
        if current is not None:
            found.append(current)
    return found


def _placement_request(request_id: int | None) -> ServiceRequest | None:
    """An intern/placement request a new placement may answer, else None."""
    if request_id is None:
        return None
    req = db.session.get(ServiceRequest, request_id)
    if req is None or req.kind != RequestKind.PLACEMENT or req.state == RequestState.DRAFT:
        return None
    return req


def _detail_url(placement: Placement, anchor: str = "") -> str:
    return url_for(".detail", placement_id=placement.id) + anchor


# --- staff: the list ------------------------------------------------------------------------------

@bp.get("/staff/placements/")
@access(Access.STAFF)
def index():
    filters = services.Filters.from_args(request.args)
    today = local_today()
    page = services.staff_list(filters, current_app.config["PAGE_SIZE"], today)
    context = {"page": page, "filters": filters, "states": list(PlacementState),
               "types": list(PlacementType), "today": today,
               "summaries": services.follow_up_summaries(page.items, today),
               "conversion": services.conversion(filters.placement_type)}
    if htmx and htmx.target == "placements":
        response = current_app.make_response(render_block("placements/index.html",
                                                          "placements", **context))
    else:
        response = current_app.make_response(render_template("placements/index.html",
                                                              **context))
    response.vary.add("HX-Request")
    return response


@bp.get("/staff/placements/at-risk")
@access(Access.STAFF)
def at_risk():
    raw = request.args.get("page", "")
    number = max(1, int(raw)) if raw.isdecimal() and len(raw) < 7 else 1
    page, rows = risk.at_risk(number, current_app.config["PAGE_SIZE"])
    return render_template("placements/at_risk.html", page=page, rows=rows,
                           limit=checks.RULE_DAYS)


# --- staff: a new placement ----------------------------------------------------------------

@bp.route("/staff/placements/new", methods=["GET", "POST"])
@access(Access.STAFF)
def new():
    """From scratch, for a participant (?participant_id=), for an intern/placement request
    (?request_id=, prefilled from it), with a supervisor (?supervisor_id=) and in a sector
    (?sector=, the one chosen on the request's matching page)."""
    req = _placement_request(_arg_id("request_id"))
    chosen = _arg_id("participant_id")
    participant = db.session.get(Participant, chosen) if chosen else None
    supervisor_id = _arg_id("supervisor_id")
    form = NewPlacementForm(organisations=[req.organisation] if req else _organisations(),
                            supervisors=_supervisors())
    if request.method == "GET":
        if req is not None:
            defaults = services.request_defaults(req)
            form.organisation_id.data = str(defaults["organisation_id"])
            form.placement_type.data = defaults["placement_type"]
            if defaults["sector"]:
                form.sector.data = defaults["sector"]
            form.tasks.data = defaults["tasks"]
            form.weekly_hours.data = defaults["weekly_hours"]
            form.starts_on.data = defaults["starts_on"]
            form.ends_on.data = defaults["ends_on"]
        if participant is not None:
            form.case_reference.data = participant.case_reference
        if supervisor_id is not None and str(supervisor_id) in {
                v for v, _label in form.supervisor_id.choices}:
            form.supervisor_id.data = str(supervisor_id)
        if request.args.get("sector") in set(Sector):
            form.sector.data = request.args["sector"]
    if form.is_submitted():
        done = idempotency.previous_result(form.submission_key.data)
        if done:
            return redirect(done)
    if form.validate_on_submit():
        person = participant_by_reference(form.case_reference.data)
        if person is None:
            form.add_error("case_reference", _("No participant has this case reference."))
        else:
            done = idempotency.claim(form.submission_key.data, user_id=current_user.id)
            if done:
                return redirect(done)
            try:
                placement = services.create(person, values=form.values(), actor=current_user,
                                            request_id=req.id if req else None)
            except DomainError as exc:
                form.add_error(exc.field, exc.message)
            else:
                target = _detail_url(placement)
                idempotency.finish(form.submission_key.data, target)
                flash(_("The placement for %(name)s is proposed.", name=person.full_name),
                      "success")
                return redirect(target)
    return render_template("placements/form.html", form=form, placement=None,
                           service_request=req), 422 if form.errors else 200


# --- staff: one placement ------------------------------------------------------------------------

@bp.get("/staff/placements/<int:placement_id>")
@access(Access.STAFF)
def detail(placement_id: int, activate_form=None, status=200):
    placement = _placement(placement_id)
    today = local_today()
    if activate_form is None:
        activate_form = ActivateForm(formdata=None)
        activate_form.version_id.data = str(placement.version_id)
    findings = checks.evaluate(placement, today=today) \
        if placement.state_enum == PlacementState.PROPOSED else []
    end_outcome = outcomes.find(placement.participant, Checkpoint.END.value,
                                placement_id=placement.id)
    return render_template(
        "placements/detail.html", placement=placement, findings=findings, today=today,
        sector=Sector(placement.sector) if placement.sector in set(Sector) else None,
        moves=services.allowed_moves(placement), activate_form=activate_form,
        check_ins=services.check_ins(placement), history=services.history(placement),
        end_outcome=end_outcome, follow_up_kinds=FollowUpKind,
        followed=placement.state_enum in services.FOLLOWED_STATES), status


@bp.route("/staff/placements/<int:placement_id>/edit", methods=["GET", "POST"])
@access(Access.STAFF)
def edit(placement_id: int):
    placement = _placement(placement_id)
    organisations = [placement.organisation] if placement.request_id \
        or placement.state_enum != PlacementState.PROPOSED else _organisations()
    form = EditPlacementForm(obj=placement if request.method == "GET" else None,
                             organisations=organisations,
                             supervisors=_supervisors(placement.supervisor_id),
                             sector_required=placement.sector is not None)
    if request.method == "GET":
        form.version_id.data = str(placement.version_id)
        form.organisation_id.data = str(placement.organisation_id)
        form.supervisor_id.data = str(placement.supervisor_id or "")
        # One made before sectors were asked: offer the likely one, for staff to confirm.
        form.sector.data = placement.sector or services.likely_sector(
            placement.organisation, placement.request) or ""
    status = None
    if form.validate_on_submit():
        status = save_versioned(form, lambda: services.update(
            placement, values=form.values(), actor=current_user,
            expected_version=form.version_id.version), placement)
        if status is None:
            flash(_("The placement is saved."), "success")
            return redirect(_detail_url(placement))
    return render_template("placements/form.html", form=form, placement=placement,
                           service_request=None), status or (422 if form.errors else 200)


@bp.route("/staff/placements/<int:placement_id>/agree", methods=["GET", "POST"])
@access(Access.STAFF)
def agree(placement_id: int):
    """The checks first; blocking ones stop the agreement, warnings need a tick."""
    placement = _placement(placement_id)
    form = AgreeForm()
    needs_employees = placement.placement_type in checks.SUBSIDISED_TYPES \
        and placement.organisation.ordinary_employees is None
    status = None
    if request.method == "GET":
        form.version_id.data = str(placement.version_id)
    elif form.validate_on_submit():
        if needs_employees and form.ordinary_employees.data is None:
            form.add_error("ordinary_employees", _("Enter the number of ordinary employees "
                                                   "at the host."))
        else:
            status = save_versioned(form, lambda: services.agree(
                placement, actor=current_user, confirmed=form.confirmed(),
                ordinary_employees=form.ordinary_employees.data if needs_employees else None,
                expected_version=form.version_id.version), placement)
            if status is None:
                flash(_("The placement is agreed; its follow-ups are scheduled."), "success")
                return redirect(_detail_url(placement))
    typed = form.ordinary_employees.data if needs_employees \
        and not form.ordinary_employees.errors else None
    findings = checks.evaluate(placement, ordinary_employees=typed)
    warnings = ",".join(sorted(f.kind.value for f in findings if not f.blocking))
    if form.warnings.data != warnings:
        form.confirm.data = False  # new warnings since the page was shown: read them first
    form.warnings.data = warnings
    blocked = [f for f in findings if f.blocking
               and not (f.kind == checks.CheckKind.EMPLOYEES_UNKNOWN and needs_employees)]
    return render_template("placements/agree.html", placement=placement, form=form,
                           findings=findings, blocked=blocked,
                           needs_employees=needs_employees,
                           can_agree=placement.state_enum == PlacementState.PROPOSED), \
        status or (422 if form.errors else 200)


@bp.post("/staff/placements/<int:placement_id>/activate")
@access(Access.STAFF)
def activate(placement_id: int):
    placement = _placement(placement_id)
    form = ActivateForm()
    status = 422
    if form.validate_on_submit():
        status = save_versioned(form, lambda: services.activate(
            placement, actor=current_user, expected_version=form.version_id.version),
            placement)
        if status is None:
            flash(_("The placement is active."), "success")
            return redirect(_detail_url(placement))
    return detail(placement_id, activate_form=form, status=status)


@bp.route("/staff/placements/<int:placement_id>/end", methods=["GET", "POST"])
@access(Access.STAFF)
def end(placement_id: int):
    """End an active placement, or correct how an ended one ended."""
    placement = _placement(placement_id)
    form = EndForm()
    status = None
    if request.method == "GET":
        form.version_id.data = str(placement.version_id)
        form.ended_on.data = placement.ended_on or min(local_today(), placement.ends_on)
        form.outcome.data = placement.end_outcome
        form.reason.data = placement.end_reason
        found = outcomes.find(placement.participant, Checkpoint.END.value,
                              placement_id=placement.id)
        form.employer_name.data = found.employer_name if found else ""
    elif form.validate_on_submit():
        ending = services.Ending(form.ended_on.data, form.outcome.data, form.reason.data or "",
                                 form.employer_name.data or "")
        status = save_versioned(form, lambda: services.end(
            placement, actor=current_user, ending=ending,
            expected_version=form.version_id.version), placement)
        if status is None:
            flash(_("The placement has ended; the participant's outcome is recorded."),
                  "success")
            return redirect(_detail_url(placement))
    return render_template("placements/end.html", placement=placement, form=form), \
        status or (422 if form.errors else 200)


@bp.route("/staff/placements/<int:placement_id>/cancel", methods=["GET", "POST"])
@access(Access.STAFF)
def cancel(placement_id: int):
    placement = _placement(placement_id)
    form = CancelForm()
    status = None
    if request.method == "GET":
        form.version_id.data = str(placement.version_id)
    elif form.validate_on_submit():
        status = save_versioned(form, lambda: services.cancel(
            placement, actor=current_user, reason=form.reason.data or "",
            expected_version=form.version_id.version), placement)
        if status is None:
            flash(_("The placement is cancelled."), "success")
            return redirect(_detail_url(placement))
    return render_template("placements/cancel.html", placement=placement, form=form), \
        status or (422 if form.errors else 200)


@bp.route("/staff/placements/<int:placement_id>/follow-ups/<follow_up_kind>",
          methods=["GET", "POST"])
@access(Access.STAFF)
def follow_up(placement_id: int, follow_up_kind: str):
    placement = _placement(placement_id)
    found = next((f for f in placement.follow_ups if f.kind == follow_up_kind), None)
    if found is None:
        abort(404)
    if found.kind == FollowUpKind.OUTCOME:
        return _outcome_follow_up(placement, found)
    form = FollowUpForm()
    if request.method == "GET":
        form.note.data = found.note
    elif form.validate_on_submit():
        try:
            services.complete_follow_up(found, actor=current_user, note=form.note.data or "")
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            flash(_("The follow-up is noted as done."), "success")
            return redirect(_detail_url(placement, "#follow-ups-title"))
    return render_template("placements/follow_up.html", placement=placement,
                           follow_up=found, form=form, outcome_form=None), \
        422 if form.errors else 200


def _outcome_follow_up(placement: Placement, found):
    """The outcome check: the participant's outcome at follow-up, for this placement."""
    participant = placement.participant
    existing = outcomes.find(participant, Checkpoint.FOLLOW_UP.value, placement_id=placement.id)
    orgs = {placement.organisation_id: placement.organisation}
    if existing is not None and existing.organisation is not None:
        orgs[existing.organisation_id] = existing.organisation
    form = OutcomeForm(organisations=sorted(orgs.values(), key=lambda o: o.name),
                       obj=existing if request.method == "GET" else None)
    status = 200
    if request.method == "GET":
        form.version_id.data = str(existing.version_id) if existing else "0"
        form.organisation_id.data = str(existing.organisation_id or "") if existing else ""
        form.employment_form.data = existing.employment_form if existing else ""
    elif form.validate_on_submit():
        chosen = orgs.get(int(form.organisation_id.data)) if form.organisation_id.data \
            else None
        values = outcomes.Values(
            status=form.status.data, organisation=chosen,
            employer_name=form.employer_name.data or "",
            employment_form=form.employment_form.data or "",
            weekly_hours=form.weekly_hours.data, note=form.note.data or "",
            recorded_on=form.recorded_on.data or local_today())
        try:
            services.complete_follow_up(found, actor=current_user, note=form.note.data or "",
                                        outcome_values=values,
                                        expected_outcome_version=form.version_id.version)
        except ConflictError as exc:
            db.session.rollback()
            form.add_error(None, exc.message)
            latest = outcomes.find(participant, Checkpoint.FOLLOW_UP.value,
                                   placement_id=placement.id)
            form.version_id.data = str(latest.version_id) if latest else "0"
            status = 409
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            flash(_("The follow-up is done and the outcome for %(name)s is saved.",
                    name=participant.full_name), "success")
            return redirect(_detail_url(placement, "#follow-ups-title"))
    if form.errors and status == 200:
        status = 422
    return render_template("placements/follow_up.html", placement=placement,
                           follow_up=found, form=None, outcome_form=form), status


# --- staff: matching for a request ------------------------------------------------------------

@bp.get("/staff/placements/for-request/<int:request_id>")
@access(Access.STAFF)
def for_request(request_id: int):
    """Supervisors and participants for an intern/placement request, ranked."""
    req = _placement_request(request_id)
    if req is None:
        abort(404)
    sectors = matching.request_sectors(req)
    chosen = request.args.get("sector", "")
    sector = Sector(chosen) if chosen in set(Sector) else (sectors[0] if sectors else None)
    start, end_day = matching.period(req)
    picked = _arg_id("participant_id")
    participant = db.session.get(Participant, picked) if picked else None
    return render_template(
        "placements/for_request.html", req=req, sectors=sectors, sector=sector,
        all_sectors=list(Sector), start=start, end=end_day, participant=participant,
        supervisors=matching.supervisors(req, sectors, start, end_day),
        people=matching.participants(sector, start, end_day),
        limit=matching.PARTICIPANT_LIMIT)


# --- the supervisor -------------------------------------------------------------------------------

def _supervisor_home(placement: Placement) -> str:
    if "supervisors.home" in current_app.view_functions:
        return url_for("supervisors.home")
    return url_for(".check_in", placement_id=placement.id)


@bp.route("/supervisor/placements/<int:placement_id>/check-in", methods=["GET", "POST"])
@access(Access.SUPERVISOR)
def check_in(placement_id: int):
    """This week's word on one of the supervisor's own active placements."""
    supervisor = current_user.supervisor
    placement = db.session.get(Placement, placement_id)
    if not services.supervises(supervisor, placement):
        abort(404)
    today = local_today()
    week = services.monday(today)
    given = next((c for c in services.check_ins(placement) if c.week_start == week), None)
    form = CheckInForm(obj=given if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.save_check_in(placement, supervisor, user=current_user,
                                   rating=form.rating.data, hours=form.hours.data,
                                   concerns=form.concerns.data or "", today=today)
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            flash(_("Thank you: your check-in for the week is saved."), "success")
            return redirect(_supervisor_home(placement))
    item = next(p for p in services.page_context(supervisor, today)["placements_current"]
                if p.id == placement.id)
    return render_template("placements/check_in.html", item=item, form=form, week=week,
                           given=given is not None), 422 if form.errors else 200
