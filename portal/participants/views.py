"""The participant register: staff only, by every URL."""

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

from portal.core import idempotency
from portal.core.dates import local_today
from portal.core.errors import DomainError
from portal.core.forms import save_versioned
from portal.core.permissions import Access, access
from portal.employers.enums import Sector
from portal.extensions import db, htmx
from portal.participants import outcomes, screening, services
from portal.participants.forms import EditParticipantForm, NewParticipantForm
from portal.participants.models import Participant
from portal.placements import services as placement_services

bp = Blueprint("participants", __name__, url_prefix="/staff/participants")


def _participant(participant_id: int) -> Participant:
    participant = db.session.get(Participant, participant_id)
    if participant is None:
        abort(404)
    return participant


@bp.get("/")
@access(Access.STAFF)
def index():
    units = services.units()
    filters = services.Filters.from_args(request.args, units)
    page = services.search(filters, current_app.config["PAGE_SIZE"])
    context = {"page": page, "filters": filters, "sectors": list(Sector), "units": units}
    if htmx and htmx.target == "participants":
        return render_block("participants/index.html", "participants", **context)
    return render_template("participants/index.html", **context)


@bp.route("/new", methods=["GET", "POST"])
@access(Access.STAFF)
def new():
    form = NewParticipantForm(units=services.unit_choices())
    if not form.is_submitted():
        form.intake_on.data = local_today()
    if form.is_submitted():
        done = idempotency.previous_result(form.submission_key.data)
        if done:
            return redirect(done)
    if form.validate_on_submit():
        done = idempotency.claim(form.submission_key.data, user_id=current_user.id)
        if done:
            return redirect(done)
        try:
            participant = services.create(values=form.values(), sectors=form.sectors.data,
                                          actor=current_user)
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            target = url_for(".detail", participant_id=participant.id)
            idempotency.finish(form.submission_key.data, target)
            flash(_("%(name)s is registered.", name=participant.full_name), "success")
            return redirect(target)
    return render_template("participants/form.html", form=form, participant=None,
                           guide=screening.guide()), 422 if form.errors else 200


@bp.get("/<int:participant_id>")
@access(Access.STAFF)
def detail(participant_id: int):
    participant = _participant(participant_id)
    return render_template("participants/detail.html", participant=participant,
                           units=services.units(),
                           history=services.history(participant),
                           enrolments=services.enrolments(participant),
                           invitations=services.invitations(participant),
                           placements=placement_services.for_participant(participant),
                           outcomes=outcomes.for_participant(participant))


@bp.route("/<int:participant_id>/edit", methods=["GET", "POST"])
@access(Access.STAFF)
def edit(participant_id: int):
    participant = _participant(participant_id)
    form = EditParticipantForm(obj=participant if request.method == "GET" else None,
                               units=services.unit_choices(participant.unit))
    if request.method == "GET":
        form.version_id.data = str(participant.version_id)
        form.sectors.data = [s.value for s in participant.sectors]
    status = None
    if form.validate_on_submit():
        status = save_versioned(form, lambda: services.update(
            participant, values=form.values(), sectors=form.sectors.data,
            actor=current_user, expected_version=form.version_id.version), participant)
        if status is None:
            flash(_("The participant is saved."), "success")
            return redirect(url_for(".detail", participant_id=participant.id))
    return render_template("participants/form.html", form=form, participant=participant,
                           guide=screening.guide()), status or (422 if form.errors else 200)


MATCHING_LIMIT = 50
# A licence covers the ones before it in each line (BE covers B; CE covers C and B).
_LICENCE_COVERS = {"none": {"none"}, "B": {"none", "B"}, "BE": {"none", "B", "BE"},
                   "C": {"none", "B", "C"}, "CE": {"none", "B", "BE", "C", "CE"},
                   "D": {"none", "B", "D"}}


@bp.get("/for-need/<int:need_id>")
@access(Access.STAFF)
def for_need(need_id: int):
    """Participants to suggest for an employer's hiring need. Staff only: the list names
    people, so it is never part of the employer's own pages."""
    from portal.employers import occupations
    from portal.employers.models import HiringNeed

    need = db.get_or_404(HiringNeed, need_id)
    chosen = request.args.get("sector", "")
    sector = Sector(chosen) if chosen in set(Sector) else \
        occupations.sector_of(need.occupation_code)
    people = services.fitting(sector.value, MATCHING_LIMIT) if sector else []
    covers = {p.id: need.driving_licence in _LICENCE_COVERS.get(p.driving_licence, {"none"})
              for p in people}
    # Those who have the licence the job asks for come first; otherwise, registration order.
    people.sort(key=lambda p: not covers[p.id])
    return render_template("participants/for_need.html", need=need, sector=sector,
                           sectors=list(Sector), people=people, covers=covers,
                           limit=MATCHING_LIMIT)
