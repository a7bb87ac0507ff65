"""Recruitment events: staff plan and run them; employers confirm and see theirs."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from jinja2_fragments.flask import render_block
from sqlalchemy import select

from portal.analyses import demand
from portal.core import idempotency
from portal.core.dates import local_today
from portal.core.errors import ConflictError, DomainError
from portal.core.forms import CsrfOnlyForm, save_versioned
from portal.core.permissions import Access, access
from portal.employers import occupations
from portal.employers import permissions as perm
from portal.employers.enums import Sector
from portal.employers.models import Organisation, OrganisationSector
from portal.events import services
from portal.events.enums import Attendance, EventRole, EventState
from portal.events.enums import Response as Answer
from portal.events.forms import (
    EditEventForm,
    EventTransitionForm,
    InviteForm,
    NewEventForm,
    OrganisationForm,
    RemoveOrganisationForm,
    ResponseForm,
    ResultsForm,
)
from portal.events.models import EventInvitation, RecruitmentEvent
from portal.extensions import db, htmx
from portal.training.enrolment import participant_by_reference

bp = Blueprint("events", __name__)
MATCHING_LIMIT = 30


def _event(event_id: int) -> RecruitmentEvent:
    event = services.get(event_id)
    if event is None:
        abort(404)
    return event


def _candidate_orgs(event: RecruitmentEvent) -> list[Organisation]:
    """Organisations staff may add: those in the event's sector, and those taking part."""
    found = {o.id: o for o in db.session.scalars(
        select(Organisation).join(OrganisationSector,
                                  OrganisationSector.organisation_id == Organisation.id)
        .where(OrganisationSector.sector == event.sector)
        .order_by(Organisation.name).limit(500))}
    for participation in event.organisations:
        found.setdefault(participation.organisation_id, participation.organisation)
    return sorted(found.values(), key=lambda o: o.name.lower())


def _top(event: RecruitmentEvent, anchor: str = "") -> str:
    return url_for(".detail", event_id=event.id) + anchor


# --- staff: the list and the event ------------------------------------------------------------

@bp.get("/staff/events/")
@access(Access.STAFF)
def index():
    filters = services.Filters.from_args(request.args)
    page = services.staff_list(filters, current_app.config["PAGE_SIZE"])
    context = {"page": page, "filters": filters, "states": list(EventState),
               "sectors": list(Sector), "counts": services.counts(e.id for e in page.items)}
    if htmx and htmx.target == "events":
        response = current_app.make_response(render_block("events/index.html", "events",
                                                          **context))
    else:
        response = current_app.make_response(render_template("events/index.html",
                                                              **context))
    response.vary.add("HX-Request")
    return response


@bp.route("/staff/events/new", methods=["GET", "POST"])
@access(Access.STAFF)
def new():
    """From scratch, from recruitment-event requests (?request=), or from a demand-overview
    row (?sector=&occupation=&other=)."""
    row = demand.Filters.from_args(request.args)
    code = (request.args.get("occupation") or "")[:5]
    code = code if code in occupations.CODES or code == occupations.OTHER else None
    other = "".join(ch for ch in (request.args.get("other") or "") if ch.isprintable())[:120]
    open_requests = services.event_requests()
    from_row = services.event_requests(occupation_code=code, occupation_other=other) \
        if code else []
    form = NewEventForm(requests=open_requests)
    if request.method == "GET":
        form.capacity.data = 20
        form.sector.data = row.sector or (occupations.sector_of(code) if code else None)
        form.occupation_code.data = code or ""
        form.occupation_other.data = other
        if code:
            form.title.data = _("Recruitment event: %(occupation)s",
                                occupation=occupations.label(code, other))[:120]
        wanted = set(request.args.getlist("request"))
        ticked = [str(r.id) for r in from_row] + [str(r.id) for r in open_requests
                                                  if str(r.id) in wanted]
        form.request_ids.data = list(dict.fromkeys(ticked))
        if wanted and not form.sector.data:
            # From requests: their hiring needs' sector, when they agree on one.
            chosen = [r for r in open_requests if str(r.id) in wanted]
            sectors = {occupations.sector_of(n.occupation_code) for r in chosen
                       for n in r.needs} - {None}
            if len(sectors) == 1:
                form.sector.data = sectors.pop().value
    if form.is_submitted():
        done = idempotency.previous_result(form.submission_key.data)
        if done:
            return redirect(done)
    if form.validate_on_submit():
        done = idempotency.claim(form.submission_key.data, user_id=current_user.id)
        if done:
            return redirect(done)
        try:
            event = services.create_event(values=form.values(), actor=current_user,
                                          request_ids=form.ids(form.request_ids))
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            target = url_for(".detail", event_id=event.id)
            idempotency.finish(form.submission_key.data, target)
            flash(_("The recruitment event “%(title)s” is planned.", title=event.title),
                  "success")
            return redirect(target)
    return render_template("events/form.html", form=form, event=None,
                           open_requests=open_requests), 422 if form.errors else 200


@bp.get("/staff/events/<int:event_id>")
@access(Access.STAFF)
def detail(event_id: int, transition_form=None, organisation_form=None, invite_form=None,
           status=200):
    event = _event(event_id)
    moves = services.allowed_moves(event)
    if transition_form is None:
        transition_form = EventTransitionForm(moves=moves, formdata=None)
        transition_form.version_id.data = str(event.version_id)
    if organisation_form is None:
        chosen = request.args.get("org", "")
        existing = next((p for p in event.organisations if str(p.organisation_id) == chosen),
                        None)
        data = ({"organisation_id": chosen, "role": existing.role,
                 "vacancies": existing.vacancies} if existing else None)
        organisation_form = OrganisationForm(organisations=_candidate_orgs(event),
                                             formdata=None, data=data)
    invited = services.invitations(event)
    planned = event.state_enum == EventState.PLANNED
    return render_template(
        "events/detail.html", event=event, moves=moves, transition_form=transition_form,
        organisation_form=organisation_form, invite_form=invite_form
        or InviteForm(formdata=None), invited=invited,
        matching=services.matching(event, limit=MATCHING_LIMIT) if planned else [],
        matching_limit=MATCHING_LIMIT, counts=services.counts([event.id])[event.id],
        hired=services.hired_by(event), history=services.history(event),
        button_form=CsrfOnlyForm(), today=local_today()), status


@bp.route("/staff/events/<int:event_id>/edit", methods=["GET", "POST"])
@access(Access.STAFF)
def edit(event_id: int):
    event = _event(event_id)
    form = EditEventForm(obj=event if request.method == "GET" else None)
    if request.method == "GET":
        form.version_id.data = str(event.version_id)
    status = None
    if form.validate_on_submit():
        status = save_versioned(form, lambda: services.update_event(
            event, values=form.values(), actor=current_user,
            expected_version=form.version_id.version), event)
        if status is None:
            flash(_("The event is saved."), "success")
            return redirect(url_for(".detail", event_id=event.id))
    return render_template("events/form.html", form=form, event=event), \
        status or (422 if form.errors else 200)


@bp.post("/staff/events/<int:event_id>/transition")
@access(Access.STAFF)
def transition(event_id: int):
    event = _event(event_id)
    form = EventTransitionForm(moves=services.allowed_moves(event))
    if form.validate_on_submit():
        to = EventState(form.to.data)
        try:
            services.transition(event, to, actor=current_user, reason=form.reason.data,
                                expected_version=form.version_id.version)
        except ConflictError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return redirect(url_for(".detail", event_id=event_id))
        except DomainError as exc:
            form.add_error(exc.field or "to", exc.message)
        else:
            flash(_("The event is now “%(state)s”.", state=to.label), "success")
            return redirect(url_for(".detail", event_id=event.id))
    return detail(event_id, transition_form=form, status=422)


# --- staff: organisations -----------------------------------------------------------------------

@bp.post("/staff/events/<int:event_id>/organisations")
@access(Access.STAFF)
def set_organisation(event_id: int):
    event = _event(event_id)
    known = {str(o.id): o for o in _candidate_orgs(event)}
    form = OrganisationForm(organisations=known.values())
    if form.validate_on_submit():
        org = known[form.organisation_id.data]
        try:
            services.set_organisation(event, org, actor=current_user, role=form.role.data,
                                      vacancies=form.vacancies.data or 0)
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            flash(_("%(org)s is saved as taking part.", org=org.name), "success")
            return redirect(_top(event, "#organisations-title"))
    return detail(event_id, organisation_form=form, status=422)


@bp.post("/staff/events/<int:event_id>/organisations/remove")
@access(Access.STAFF)
def remove_organisation(event_id: int):
    event = _event(event_id)
    form = RemoveOrganisationForm()
    chosen = form.organisation_id.data or ""
    participation = next((p for p in event.organisations
                          if str(p.organisation_id) == chosen), None)
    if not form.validate_on_submit() or participation is None:
        flash(_("Reload the page and try again."), "error")
        return redirect(_top(event))
    org = participation.organisation
    try:
        services.remove_organisation(event, org, actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(_top(event))
    flash(_("%(org)s is no longer part of the event.", org=org.name), "success")
    return redirect(_top(event, "#organisations-title"))


# --- staff: job seekers invited --------------------------------------------------------------

@bp.post("/staff/events/<int:event_id>/invitations")
@access(Access.STAFF)
def invite(event_id: int):
    event = _event(event_id)
    form = InviteForm()
    if form.validate_on_submit():
        participant = participant_by_reference(form.case_reference.data)
        if participant is None:
            form.add_error("case_reference", _("No participant has this case reference."))
        else:
            try:
                services.invite(event, participant, actor=current_user)
            except DomainError as exc:
                form.add_error("case_reference", exc.message)
            else:
                flash(_("%(name)s is invited.", name=participant.full_name), "success")
                return redirect(_top(event, "#invited-title"))
    return detail(event_id, invite_form=form, status=422)


@bp.post("/staff/events/<int:event_id>/invitations/<int:invitation_id>/remove")
@access(Access.STAFF)
def remove_invitation(event_id: int, invitation_id: int):
    event = _event(event_id)
    found = db.session.get(EventInvitation, invitation_id)
    if found is None or found.event_id != event.id:
        abort(404)
    form = CsrfOnlyForm()
    if not form.validate_on_submit():
        flash(_("Reload the page and try again."), "error")
        return redirect(_top(event))
    name = found.participant.full_name
    try:
        services.remove_invitation(found, actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(_top(event))
    flash(_("%(name)s is no longer invited.", name=name), "success")
    return redirect(_top(event, "#invited-title"))


@bp.route("/staff/events/<int:event_id>/attendance", methods=["GET", "POST"])
@access(Access.STAFF)
def attendance_sheet(event_id: int):
    """Who came: one row per person invited; a plain form of parallel lists."""
    event = _event(event_id)
    if event.state_enum != EventState.HELD:
        flash(_("Attendance is recorded once the event is held."), "error")
        return redirect(_top(event))
    people = services.invitations(event)
    form = CsrfOnlyForm()
    errors: list[tuple[str, str]] = []
    typed: dict[int, str] = {}
    if request.method == "POST":
        if not form.validate_on_submit():
            errors.append(("", _("Reload the page and try again.")))
        ids, marks = request.form.getlist("invitation_id"), request.form.getlist("attendance")
        known = {str(i.id) for i in people}
        if len(ids) != len(marks) or not set(ids) <= known or len(set(ids)) != len(ids):
            errors.append(("", _("Reload the page and try again.")))
        else:
            for iid, mark in zip(ids, marks, strict=True):
                typed[int(iid)] = mark
                if mark not in services.MARKS:
                    errors.append((f"attendance-{iid}", _("Choose whether they came.")))
        if not errors:
            try:
                changed = services.save_attendance(event, typed, actor=current_user)
            except DomainError as exc:
                db.session.rollback()
                errors.append((exc.field or "", exc.message))
                people = services.invitations(event)
            else:
                flash(ngettext("Attendance saved: %(num)d row changed.",
                               "Attendance saved: %(num)d rows changed.", changed), "success")
                return redirect(url_for(".attendance_sheet", event_id=event.id))
    return render_template("events/attendance.html", event=event, people=people,
                           errors=errors, error_fields={f for f, _m in errors}, typed=typed,
                           marks=[Attendance.INVITED, Attendance.ATTENDED, Attendance.ABSENT],
                           form=form), 422 if errors else 200


@bp.route("/staff/events/<int:event_id>/results", methods=["GET", "POST"])
@access(Access.STAFF)
def results(event_id: int):
    """One organisation's interviews, offers and hires, and who of those who came it hired."""
    event = _event(event_id)
    if event.state_enum != EventState.HELD or not event.organisations:
        flash(_("Results are recorded once the event is held, for the organisations that "
                "took part."), "error")
        return redirect(_top(event))
    chosen = request.args.get("org")  # the form posts back to its own address
    participation = next((p for p in event.organisations
                          if str(p.organisation_id) == (chosen or "")), None)
    if participation is None:
        if request.method == "POST":
            flash(_("Reload the page and try again."), "error")
            return redirect(_top(event))
        participation = event.organisations[0]
    org = participation.organisation
    came = [i.participant for i in services.attended(event)]
    hired = services.hired_by(event)
    form = ResultsForm(people=came)
    status = 200
    if request.method == "GET":
        form.version_id.data = str(participation.version_id)
        form.interviews.data = participation.interviews
        form.offers.data = participation.offers
        form.hires.data = participation.hires
        form.hired.data = [str(pid) for pid, org_id in hired.items() if org_id == org.id]
    elif form.validate_on_submit():
        try:
            services.save_results(event, org, actor=current_user,
                                  interviews=form.interviews.data, offers=form.offers.data,
                                  hires=form.hires.data, hired_ids=form.hired_ids(),
                                  expected_version=form.version_id.version)
        except ConflictError as exc:
            db.session.rollback()
            event = _event(event_id)
            participation = services.participation_for(event, org)
            form.add_error(None, exc.message)
            form.version_id.data = str(participation.version_id)
            status = 409
        except DomainError as exc:
            db.session.rollback()
            form.add_error(exc.field, exc.message)
        else:
            flash(_("The results of %(org)s are saved.", org=org.name), "success")
            return redirect(_top(event, "#organisations-title"))
    if form.errors and status == 200:
        status = 422
    return render_template("events/results.html", event=event, organisation=org,
                           participation=participation, form=form, others={
                               pid: org_id for pid, org_id in hired.items()
                               if org_id != org.id}), status


@bp.get("/staff/events/<int:event_id>.ics")
@access(Access.STAFF)
def calendar(event_id: int):
    return _ics(_event(event_id))


def _ics(event: RecruitmentEvent) -> Response:
    body = services.ics(event, host=request.host.split(":")[0] or "portal")
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition":
                             f'attachment; filename="recruitment-event-{event.id}.ics"'})


# --- employers --------------------------------------------------------------------------------

def _org(org_id: int) -> Organisation:
    org = db.get_or_404(Organisation, org_id)
    perm.require(perm.can_view_organisation(current_user, org))
    return org


def _visible(org: Organisation, event_id: int) -> RecruitmentEvent:
    event = services.get(event_id)
    perm.require(event is not None and services.visible_to(event, org))
    return event


@bp.get("/organisations/<int:org_id>/events")
@access(Access.USER)
def employer_index(org_id: int):
    org = _org(org_id)
    today = local_today()
    mine = services.for_organisation(org)
    upcoming = [(e, p) for e, p in mine if services.is_upcoming(e, today)]
    past = [(e, p) for e, p in reversed(mine) if not services.is_upcoming(e, today)]
    return render_template("events/employer_index.html", organisation=org,
                           upcoming=upcoming, past=past)


@bp.route("/organisations/<int:org_id>/events/<int:event_id>", methods=["GET", "POST"])
@access(Access.USER)
def employer_view(org_id: int, event_id: int):
    org = _org(org_id)
    event = _visible(org, event_id)
    form = ResponseForm()
    if request.method == "POST":
        if current_user.is_staff:
            abort(403)
        if form.validate_on_submit():
            try:
                services.respond(event, org, form.answer.data, actor=current_user)
            except DomainError as exc:
                form.add_error(exc.field, exc.message)
            else:
                if form.answer.data == Answer.CONFIRMED:
                    flash(_("Thank you: you are registered as coming."), "success")
                else:
                    flash(_("Thank you: we have noted that you cannot come."), "success")
                return redirect(url_for(".employer_view", org_id=org.id, event_id=event.id))
    return render_template("events/employer_view.html", organisation=org, event=event,
                           participation=services.participation_for(event, org), form=form,
                           invited=services.invited_count(event), answers=Answer,
                           roles=EventRole), 422 if form.errors else 200


@bp.get("/organisations/<int:org_id>/events/<int:event_id>.ics")
@access(Access.USER)
def employer_calendar(org_id: int, event_id: int):
    org = _org(org_id)
    return _ics(_visible(org, event_id))
